import { BUILTIN_MESSAGE_CAP } from '../delivery/builtin.js';
import { PreconditionError, ValidationError } from '../errors/errors.js';
import { checkTemplate, type MessagePurpose } from '../domain/message-templates.js';
import { maskPhoneNumber, parsePhoneNumber } from '../domain/phone-number.js';
import type { GuardianSettingsRow } from '../store/repositories/guardian.js';
import type { ConfigCache } from './config-cache.js';
import type { RequestContext, ServiceDeps } from './context.js';
import type { EventLog } from './events.js';
import type { Tenant } from './tenants.js';

/**
 * The tenant's MFA configuration (Auth0's Guardian settings): which factors are on, the phone factor's
 * message types, provider, templates, code settings and test numbers, and the MFA policy. Every change
 * writes `gd_tenant_update`.
 */

/** Auth0's GuardianFactorNameEnum. `sms` is the phone factor (SMS and voice). */
export const FACTOR_NAMES = ['push-notification', 'sms', 'email', 'duo', 'otp', 'webauthn-roaming', 'webauthn-platform', 'recovery-code'] as const;
export type FactorName = (typeof FACTOR_NAMES)[number];

export const PHONE_MESSAGE_TYPES = ['sms', 'voice'] as const;
export type PhoneMessageType = (typeof PHONE_MESSAGE_TYPES)[number];

export const PHONE_PROVIDERS = ['auth0', 'twilio', 'phone-message-hook'] as const;
export type PhoneProviderName = (typeof PHONE_PROVIDERS)[number];

export const MFA_POLICIES = ['all-applications', 'confidence-score'] as const;
export type MfaPolicy = (typeof MFA_POLICIES)[number];

export { BUILTIN_MESSAGE_CAP };

/** Code settings: Auth0 uses 6 digits and 5 minutes; Guardline lets a tenant choose within these bounds. */
export const OTP_LENGTH = { default: 6, min: 4, max: 10 } as const;
export const OTP_LIFETIME_SECONDS = { default: 300, min: 60, max: 900 } as const;

export interface TestNumber {
  phone_number: string;
  code: string;
}

export interface GuardianSettings {
  mfaPolicies: MfaPolicy[];
  messageTypes: PhoneMessageType[];
  provider: PhoneProviderName;
  templates: Record<MessagePurpose, string | null>;
  otpLength: number;
  otpLifetimeSeconds: number;
  testNumbers: TestNumber[];
  builtinMessagesSent: number;
  /** When no provider could send an SMS, send the code by voice (where voice is enabled). */
  voiceFallback: boolean;
  /** SMS codes end with the origin-bound one-time-code line `@host #code` (Guardline extension, on by default). */
  otpAutofill: boolean;
}

function toSettings(row: GuardianSettingsRow): GuardianSettings {
  return {
    mfaPolicies: JSON.parse(row.mfa_policies) as MfaPolicy[],
    messageTypes: JSON.parse(row.phone_message_types) as PhoneMessageType[],
    provider: row.phone_provider as PhoneProviderName,
    templates: { enrollment: row.enrollment_template, verification: row.verification_template },
    otpLength: row.otp_length,
    otpLifetimeSeconds: row.otp_lifetime_seconds,
    testNumbers: JSON.parse(row.test_numbers) as TestNumber[],
    builtinMessagesSent: row.builtin_messages_sent,
    voiceFallback: row.phone_voice_fallback === 1,
    otpAutofill: row.phone_otp_autofill === 1,
  };
}

/** Shows the last four characters of a secret and nothing else. */
export const maskSecret = (secret: string): string => (secret.length <= 8 ? '****' : `****${secret.slice(-4)}`);

export function createGuardian(
  { store, clock }: ServiceDeps,
  {
    events,
    cache,
    channelsProblem,
    providerProblem,
  }: {
    events: EventLog;
    cache: ConfigCache;
    /** Why the tenant's configured providers cannot carry these message types (provider-configs.ts), if they cannot. */
    channelsProblem?: (tenant: Tenant, channels: readonly PhoneMessageType[]) => Promise<string | undefined>;
    /** Why `provider` cannot be selected yet (`phone-message-hook` without a deployed, bound action), if it cannot. */
    providerProblem?: (tenant: Tenant, provider: PhoneProviderName) => Promise<string | undefined>;
  },
) {
  const nowIso = () => clock.now().toISOString();

  function defaults(tenantId: string): GuardianSettingsRow {
    return {
      tenant_id: tenantId,
      mfa_policies: '[]',
      phone_message_types: '["sms"]',
      phone_provider: 'auth0',
      enrollment_template: null,
      verification_template: null,
      otp_length: OTP_LENGTH.default,
      otp_lifetime_seconds: OTP_LIFETIME_SECONDS.default,
      twilio_sid: null,
      twilio_from: null,
      twilio_messaging_service_sid: null,
      twilio_auth_token_sealed: null,
      test_numbers: '[]',
      builtin_messages_sent: 0,
      phone_voice_fallback: 0,
      phone_otp_autofill: 1,
      updated_at: nowIso(),
    };
  }

  async function settings(tenant: Tenant): Promise<GuardianSettings> {
    let row = await store.guardian.findSettings(tenant.id);
    if (!row) {
      await store.guardian.ensureSettings(defaults(tenant.id));
      row = await store.guardian.findSettings(tenant.id);
    }
    return toSettings(row ?? defaults(tenant.id));
  }

  /** The settings without creating the row: what a setter validates against, so a refused change writes nothing. */
  async function current(tenant: Tenant): Promise<GuardianSettings> {
    return toSettings((await store.guardian.findSettings(tenant.id)) ?? defaults(tenant.id));
  }

  /** Applies one change and records it (with what changed, secrets redacted) in one transaction. */
  async function update(tenant: Tenant, setting: string, patch: Partial<Omit<GuardianSettingsRow, 'tenant_id'>>, details: Record<string, unknown>, context: RequestContext) {
    await store.transaction(async (tx) => {
      await tx.guardian.ensureSettings(defaults(tenant.id));
      await tx.guardian.updateSettings(tenant.id, { ...patch, updated_at: nowIso() });
      await events.record(tenant.id, { type: 'gd_tenant_update', description: `Guardian tenant update: ${setting}`, details: { setting, ...details } }, context, tx);
    });
  }

  return {
    settings,

    async listFactors(tenant: Tenant): Promise<Array<{ name: FactorName; enabled: boolean; trial_expired: boolean }>> {
      const stored = new Map((await store.guardian.listFactors(tenant.id)).map((f) => [f.name, f.enabled === 1]));
      const { builtinMessagesSent } = await settings(tenant);
      return FACTOR_NAMES.map((name) => ({
        name,
        enabled: stored.get(name) ?? false,
        trial_expired: name === 'sms' && builtinMessagesSent >= BUILTIN_MESSAGE_CAP,
      }));
    },

    /**
     * The enabled factors and the settings, read together (one statement once the settings row exists), from the
     * tenant's versioned configuration cache (config-cache.ts) — what every MFA request asks. A missing row is
     * created (as `settings` does) only when the phone factor is on, the one case whose callers go on to use it
     * (the built-in provider counts its messages there); otherwise the defaults are returned and nothing written.
     * `settings.builtinMessagesSent` is as of the load (the cap itself is an atomic update, never read from here).
     */
    factorsAndSettings(tenant: Tenant): Promise<{ factors: ReadonlySet<string>; settings: GuardianSettings }> {
      return cache.read(tenant, 'guardian:factors-and-settings', async () => {
        const found = await store.guardian.findSettingsAndEnabledFactors(tenant.id);
        const factors = new Set(found.enabledFactors);
        if (found.settings) return { factors, settings: toSettings(found.settings) };
        return { factors, settings: factors.has('sms') ? await settings(tenant) : toSettings(defaults(tenant.id)) };
      });
    },

    enabledFactors(tenant: Tenant): Promise<ReadonlySet<string>> {
      return cache.read(tenant, 'guardian:enabled-factors', async () => {
        const factors = await store.guardian.listFactors(tenant.id);
        return new Set(factors.filter((f) => f.enabled === 1).map((f) => f.name));
      });
    },

    async setFactor(tenant: Tenant, name: FactorName, enabled: boolean, context: RequestContext): Promise<{ enabled: boolean }> {
      await store.transaction(async (tx) => {
        await tx.guardian.setFactor(tenant.id, name, enabled, nowIso());
        await events.record(tenant.id, { type: 'gd_tenant_update', description: `Guardian tenant update: factor ${name}`, details: { factor: name, enabled } }, context, tx);
      });
      return { enabled };
    },

    async setMessageTypes(tenant: Tenant, types: PhoneMessageType[], context: RequestContext): Promise<PhoneMessageType[]> {
      const unique = PHONE_MESSAGE_TYPES.filter((t) => types.includes(t));
      if (unique.length === 0) throw new ValidationError('message_types must contain "sms", "voice" or both');
      const problem = channelsProblem && (await channelsProblem(tenant, unique));
      if (problem) throw new ValidationError(problem);
      await update(tenant, 'phone/message-types', { phone_message_types: JSON.stringify(unique) }, { message_types: unique }, context);
      return unique;
    },

    async setProvider(tenant: Tenant, provider: PhoneProviderName, context: RequestContext): Promise<PhoneProviderName> {
      const problem = providerProblem && (await providerProblem(tenant, provider));
      if (problem) throw new PreconditionError('no_deployed_action', problem);
      await update(tenant, 'phone/selected-provider', { phone_provider: provider }, { provider }, context);
      return provider;
    },

    /** Checks both templates first, so a bad one changes nothing. `null` goes back to the per-locale defaults. */
    async setTemplates(tenant: Tenant, templates: Record<MessagePurpose, string | null>, context: RequestContext): Promise<void> {
      for (const [purpose, source] of Object.entries(templates)) {
        if (source === null) continue;
        try {
          checkTemplate(source);
        } catch (err) {
          throw new ValidationError(`${purpose}_message: ${(err as Error).message}`);
        }
      }
      await update(
        tenant,
        'phone/templates',
        { enrollment_template: templates.enrollment, verification_template: templates.verification },
        { enrollment_message: templates.enrollment, verification_message: templates.verification },
        context,
      );
    },

    async setCodeSettings(tenant: Tenant, input: { otpLength?: number; otpLifetimeSeconds?: number }, context: RequestContext): Promise<GuardianSettings> {
      const before = await current(tenant);
      const otpLength = input.otpLength ?? before.otpLength;
      const otpLifetimeSeconds = input.otpLifetimeSeconds ?? before.otpLifetimeSeconds;
      if (!Number.isInteger(otpLength) || otpLength < OTP_LENGTH.min || otpLength > OTP_LENGTH.max) {
        throw new ValidationError(`otp_length must be an integer from ${OTP_LENGTH.min} to ${OTP_LENGTH.max}`);
      }
      if (!Number.isInteger(otpLifetimeSeconds) || otpLifetimeSeconds < OTP_LIFETIME_SECONDS.min || otpLifetimeSeconds > OTP_LIFETIME_SECONDS.max) {
        throw new ValidationError(`otp_lifetime must be an integer number of seconds from ${OTP_LIFETIME_SECONDS.min} to ${OTP_LIFETIME_SECONDS.max}`);
      }
      const mismatched = before.testNumbers.filter((n) => n.code.length !== otpLength);
      if (mismatched.length > 0) {
        throw new ValidationError(`otp_length ${otpLength} does not match the codes of ${mismatched.length} test number(s): update them first`);
      }
      await update(tenant, 'phone/settings', { otp_length: otpLength, otp_lifetime_seconds: otpLifetimeSeconds }, { otp_length: otpLength, otp_lifetime: otpLifetimeSeconds }, context);
      return current(tenant);
    },

    /** Test numbers: valid E.164, unique, each with a fixed code of the tenant's code length. */
    async setTestNumbers(tenant: Tenant, numbers: TestNumber[], context: RequestContext): Promise<TestNumber[]> {
      const { otpLength } = await current(tenant);
      const seen = new Map<string, number>();
      const normalised: TestNumber[] = [];
      for (const [index, entry] of numbers.entries()) {
        const parsed = parsePhoneNumber(entry.phone_number);
        // parsePhoneNumber's messages start with "phone_number", so the index is enough to say which one.
        if (!parsed.ok) throw new ValidationError(`test_numbers[${index}]: ${parsed.message}`);
        // Like parsePhoneNumber's messages, this one does not repeat the number.
        const first = seen.get(parsed.e164);
        if (first !== undefined) throw new ValidationError(`test_numbers[${index}].phone_number: the same number as test_numbers[${first}]`);
        if (!new RegExp(`^\\d{${otpLength}}$`).test(entry.code)) {
          throw new ValidationError(`test_numbers[${index}].code: must be exactly ${otpLength} digits (the tenant's code length)`);
        }
        seen.set(parsed.e164, index);
        normalised.push({ phone_number: parsed.e164, code: entry.code });
      }
      await update(tenant, 'phone/test-numbers', { test_numbers: JSON.stringify(normalised) }, { test_numbers: normalised.map((n) => maskPhoneNumber(n.phone_number)) }, context);
      return normalised;
    },

    /** Guardline extension: SMS→voice fallback (services/phone-delivery.ts). */
    async setVoiceFallback(tenant: Tenant, enabled: boolean, context: RequestContext): Promise<boolean> {
      await update(tenant, 'phone/voice-fallback', { phone_voice_fallback: enabled ? 1 : 0 }, { voice_fallback: enabled }, context);
      return enabled;
    },

    /** Guardline extension: the origin-bound one-time-code line of SMS codes (services/phone-delivery.ts). */
    async setOtpAutofill(tenant: Tenant, enabled: boolean, context: RequestContext): Promise<boolean> {
      await update(tenant, 'phone/otp-autofill', { phone_otp_autofill: enabled ? 1 : 0 }, { otp_autofill: enabled }, context);
      return enabled;
    },

    async setPolicies(tenant: Tenant, policies: MfaPolicy[], context: RequestContext): Promise<MfaPolicy[]> {
      const unique = MFA_POLICIES.filter((p) => policies.includes(p));
      if (unique.length > 1) throw new ValidationError('policies may hold at most one of "all-applications" and "confidence-score"');
      await update(tenant, 'policies', { mfa_policies: JSON.stringify(unique) }, { policies: unique }, context);
      return unique;
    },
  };
}

export type Guardian = ReturnType<typeof createGuardian>;
