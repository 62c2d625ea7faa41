import { Type } from '@sinclair/typebox';
import { ValidationError } from '../../../../errors/errors.js';
import type { MessageChannel } from '../../../../domain/message-templates.js';
import type { ProviderConfigInput, ProviderConfigPatch, ProviderConfigView } from '../../../../services/provider-configs.js';
import type { Tenant } from '../../../../services/tenants.js';
import { StrictObject } from '../../../schemas.js';
import type { ProviderRegistry } from '../../../../delivery/registry.js';

/**
 * Auth0's Unified Phone provider shape (`/api/v2/branding/phone/providers`) over Guardline's provider configurations:
 * the same rows the guardian Twilio endpoints use. `twilio` keeps Auth0's field names (`sid`, `default_from`, `mssid`,
 * `credentials.auth_token`); any other registry id (Guardline extension) takes its definition's own fields in
 * `configuration` (secret ones may go in `credentials` instead), validated by the definition's schema.
 */

const DeliveryMethod = Type.Union([Type.Literal('text'), Type.Literal('voice')]);
const toChannel = (m: 'text' | 'voice'): MessageChannel => (m === 'text' ? 'sms' : 'voice');
const toMethod = (c: MessageChannel) => (c === 'sms' ? 'text' : 'voice');

export const ProviderBody = StrictObject({
  name: Type.String({ minLength: 1, maxLength: 64, description: '`twilio`, or any registry id (Guardline extension: see docs/providers.md)' }),
  disabled: Type.Optional(Type.Boolean()),
  configuration: Type.Record(Type.String(), Type.Unknown(), { description: 'Twilio: {sid, delivery_methods, default_from?, mssid?}; others: the provider\'s fields (+ delivery_methods)' }),
  credentials: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Twilio: {auth_token}; others: secret fields, optional' })),
  // Guardline extensions: the chain
  position: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
  countries: Type.Optional(Type.Union([Type.Array(Type.String({ minLength: 2, maxLength: 2 }), { minItems: 1, maxItems: 250 }), Type.Null()])),
});

export const ProviderPatchBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    disabled: Type.Optional(Type.Boolean()),
    configuration: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    credentials: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
    countries: Type.Optional(Type.Union([Type.Array(Type.String({ minLength: 2, maxLength: 2 }), { minItems: 1, maxItems: 250 }), Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const Provider = Type.Object({
  id: Type.String(),
  tenant: Type.String(),
  name: Type.String(),
  channel: Type.Literal('phone'),
  disabled: Type.Boolean(),
  configuration: Type.Record(Type.String(), Type.Unknown()),
  position: Type.Optional(Type.Integer({ description: 'Guardline extension, shown when the chain has more than one provider' })),
  countries: Type.Optional(Type.Array(Type.String(), { description: 'Guardline extension, shown when the provider serves only some countries' })),
  created_at: Type.String(),
  updated_at: Type.String(),
});

export const ProviderIdParams = StrictObject({ id: Type.String({ minLength: 1, maxLength: 64 }) });

function methods(value: unknown): MessageChannel[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || value.some((m) => m !== 'text' && m !== 'voice')) {
    throw new ValidationError('configuration.delivery_methods: a non-empty list of "text" and "voice"');
  }
  return [...new Set(value as Array<'text' | 'voice'>)].map(toChannel);
}

/** Auth0's Twilio names → the stored ones. */
function twilioConfig(configuration: Record<string, unknown>, credentials: Record<string, unknown> | undefined): Record<string, unknown> {
  const { sid, default_from, mssid, delivery_methods: _, ...rest } = configuration;
  const unknown = Object.keys(rest)[0];
  if (unknown) throw new ValidationError(`configuration: Additional properties not allowed: ${unknown}`);
  const extra = Object.keys(credentials ?? {}).find((k) => k !== 'auth_token');
  if (extra) throw new ValidationError(`credentials: Additional properties not allowed: ${extra}`);
  return Object.fromEntries(
    Object.entries({ sid, from: default_from, messaging_service_sid: mssid, auth_token: credentials?.auth_token }).filter(([, v]) => v !== undefined),
  );
}

function internalConfig(name: string, configuration: Record<string, unknown>, credentials: Record<string, unknown> | undefined) {
  if (name === 'twilio') return twilioConfig(configuration, credentials);
  const { delivery_methods: _, ...fields } = configuration;
  return { ...fields, ...credentials };
}

export function createInput(body: { name: string; disabled?: boolean; configuration: Record<string, unknown>; credentials?: Record<string, unknown>; position?: number; countries?: string[] | null }): ProviderConfigInput {
  const channels = methods(body.configuration.delivery_methods);
  if (body.name === 'twilio' && channels === undefined) throw new ValidationError('configuration: Missing required property: delivery_methods');
  return {
    provider: body.name,
    configuration: internalConfig(body.name, body.configuration, body.credentials),
    ...(body.disabled !== undefined ? { enabled: !body.disabled } : {}),
    ...(body.position !== undefined ? { position: body.position } : {}),
    ...(body.countries !== undefined ? { countries: body.countries } : {}),
    ...(channels ? { channels } : {}),
  };
}

export function patchInput(current: ProviderConfigView, body: { name?: string; disabled?: boolean; configuration?: Record<string, unknown>; credentials?: Record<string, unknown>; position?: number; countries?: string[] | null }): ProviderConfigPatch {
  if (body.name !== undefined && body.name !== current.provider) throw new ValidationError(`name: a provider configuration cannot change provider (${current.provider}); create another one`);
  const channels = body.configuration ? methods(body.configuration.delivery_methods) : undefined;
  const configuration = body.configuration || body.credentials ? internalConfig(current.provider, body.configuration ?? {}, body.credentials) : undefined;
  return {
    ...(configuration ? { configuration } : {}),
    ...(body.disabled !== undefined ? { enabled: !body.disabled } : {}),
    ...(body.position !== undefined ? { position: body.position } : {}),
    ...(body.countries !== undefined ? { countries: body.countries } : {}),
    ...(channels ? { channels } : {}),
  };
}

/** A stored configuration in Auth0's shape: secrets never returned (Auth0 omits credentials; Guardline also masks secret fields). */
/**
 * A provider in Auth0's shape. Guardline's chain extensions (`position`, `countries`) appear only when they carry
 * something (several providers; some countries), so a one-provider tenant reads exactly as in Auth0 and Auth0's
 * own tools, whose schemas refuse unknown fields, can write back what they read.
 */
export function providerView(tenant: Tenant, view: ProviderConfigView, secretFields: ReadonlySet<string>, chainLength: number) {
  const delivery_methods = view.channels.map(toMethod);
  let configuration: Record<string, unknown>;
  if (view.provider === 'twilio') {
    const c = view.configuration;
    configuration = { ...(c.sid !== undefined ? { sid: c.sid } : {}), ...(c.from !== undefined ? { default_from: c.from } : {}), ...(c.messaging_service_sid !== undefined ? { mssid: c.messaging_service_sid } : {}), delivery_methods };
  } else {
    configuration = { ...Object.fromEntries(Object.entries(view.configuration).filter(([k]) => !secretFields.has(k))), delivery_methods };
  }
  return {
    id: view.id,
    tenant: tenant.name,
    name: view.provider,
    channel: 'phone' as const,
    disabled: !view.enabled,
    configuration,
    ...(chainLength > 1 ? { position: view.position } : {}),
    ...(view.countries !== null ? { countries: view.countries } : {}),
    created_at: view.created_at,
    updated_at: view.updated_at,
  };
}

/** The names of `provider`'s secret fields (from its definition), left out of every answer. */
export function secretFieldsOf(registry: ProviderRegistry, provider: string): ReadonlySet<string> {
  return new Set(registry.get(provider)?.fields.filter((f) => f.secret).map((f) => f.name) ?? ['auth_token']);
}
