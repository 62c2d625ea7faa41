import { defaultTemplate } from '../domain/default-templates.js';
import type { MessagePurpose } from '../domain/message-templates.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors/errors.js';
import type { RequestContext } from './context.js';
import type { Guardian } from './guardian.js';
import type { Tenant } from './tenants.js';

/**
 * Auth0's Unified Phone templates (`/api/v2/branding/phone/templates`) over the guardian templates: one truth, two
 * API shapes. Guardline sends two kinds of phone message, the one-time codes: `otp_enroll` (enrollment) and
 * `otp_verify` (verification); both always exist (the built-in ja/en defaults until the tenant writes its own).
 * A tenant's own text serves both channels, as on the guardian endpoints (voice only spells the code differently).
 */

export const TEMPLATE_TYPES = { otp_enroll: 'enrollment', otp_verify: 'verification' } as const satisfies Record<string, MessagePurpose>;
export type TemplateType = keyof typeof TEMPLATE_TYPES;
/** Auth0's other types: messages Guardline never sends. */
export const UNSUPPORTED_TEMPLATE_TYPES = ['change_password', 'blocked_account', 'password_breach'] as const;

export interface PhoneTemplateView {
  id: string;
  channel: 'phone';
  customizable: true;
  tenant: string;
  type: TemplateType;
  disabled: false;
  content: { syntax: 'liquid'; body: { text: string; voice: string } };
}

const idOf = (type: TemplateType) => `tem_${type}`;
const typeOf = (id: string): TemplateType | undefined => (Object.keys(TEMPLATE_TYPES) as TemplateType[]).find((t) => idOf(t) === id);

export function createPhoneTemplates({ guardian }: { guardian: Guardian }) {
  async function view(tenant: Tenant, type: TemplateType): Promise<PhoneTemplateView> {
    const purpose = TEMPLATE_TYPES[type];
    const stored = (await guardian.settings(tenant)).templates[purpose];
    const locale = tenant.defaultLocale;
    return {
      id: idOf(type),
      channel: 'phone',
      customizable: true,
      tenant: tenant.name,
      type,
      disabled: false,
      content: { syntax: 'liquid', body: { text: stored ?? defaultTemplate(purpose, 'sms', locale), voice: stored ?? defaultTemplate(purpose, 'voice', locale) } },
    };
  }

  function find(id: string): TemplateType {
    const type = typeOf(id);
    if (!type) throw new NotFoundError('phone_template', 'Phone template does not exist');
    return type;
  }

  async function write(tenant: Tenant, type: TemplateType, text: string | null, context: RequestContext) {
    const { templates } = await guardian.settings(tenant);
    await guardian.setTemplates(tenant, { ...templates, [TEMPLATE_TYPES[type]]: text }, context);
  }

  /** The text a change sets: `body.text`, and `body.voice` only as the same text (one template serves both channels). */
  function textOf(content: { from?: string; body?: { text?: string; voice?: string } } | undefined): string | undefined {
    if (content?.from !== undefined) throw new ValidationError('content.from: the sender is part of the provider configuration (/branding/phone/providers), not of a template');
    const { text, voice } = content?.body ?? {};
    if (text !== undefined && voice !== undefined && text !== voice) {
      throw new ValidationError('content.body.voice: Guardline uses one template text for SMS and voice (the code is spelled out for calls); send the same text, or only body.text');
    }
    return text ?? voice;
  }

  return {
    list: async (tenant: Tenant) => Promise.all((Object.keys(TEMPLATE_TYPES) as TemplateType[]).map((t) => view(tenant, t))),
    get: async (tenant: Tenant, id: string) => view(tenant, find(id)),

    /** Both OTP templates always exist, so creating one is Auth0's conflict; other types are messages Guardline never sends. */
    async create(tenant: Tenant, input: { type?: string }): Promise<never> {
      if (input.type !== undefined && input.type in TEMPLATE_TYPES) throw new ConflictError('phone_template', 'Phone template already configured for tenant');
      throw new ValidationError(`type: Guardline sends only one-time codes by phone (otp_enroll, otp_verify); ${input.type ?? 'a template without a type'} is not supported`);
    },

    async update(tenant: Tenant, id: string, patch: { content?: { from?: string; body?: { text?: string; voice?: string } }; disabled?: boolean }, context: RequestContext) {
      const type = find(id);
      if (patch.disabled === true) throw new ValidationError('disabled: one-time code templates cannot be disabled');
      // Writing back what a read gave (a0deploy importing its own export) changes nothing, even where the
      // built-in SMS and voice defaults differ.
      const current = await view(tenant, type);
      const body = patch.content?.body;
      if (patch.content?.from === undefined && (body?.text ?? current.content.body.text) === current.content.body.text && (body?.voice ?? current.content.body.voice) === current.content.body.voice) return current;
      const text = textOf(patch.content);
      if (text !== undefined) await write(tenant, type, text, context);
      return view(tenant, type);
    },

    /** Back to the built-in ja/en defaults (DELETE and `/reset` alike). */
    async reset(tenant: Tenant, id: string, context: RequestContext) {
      const type = find(id);
      await write(tenant, type, null, context);
      return view(tenant, type);
    },
  };
}

export type PhoneTemplates = ReturnType<typeof createPhoneTemplates>;
