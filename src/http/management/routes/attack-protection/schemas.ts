import { Type, type TOptional, type TSchema } from '@sinclair/typebox';
import { COUNTRY_RULE_MODES, VELOCITY_SCOPES } from '../../../../domain/phone-fraud/settings.js';
import { PHONE_PROVIDER_PROTECTION_TYPES, SUSPICIOUS_IP_SHIELDS } from '../../../../domain/suspicious-ip.js';
import { BRUTE_FORCE_MODES, BRUTE_FORCE_SHIELDS, MAX_ALLOWLIST_ENTRIES, MAX_ATTEMPTS } from '../../../../domain/brute-force.js';
import { StrictObject } from '../../../schemas.js';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

const fields = {
  enabled: Type.Boolean({ description: 'Whether brute-force protection is active (default true)' }),
  shields: Type.Array(literals(BRUTE_FORCE_SHIELDS), {
    description: 'What happens at the threshold: `block` the identifier; `user_notification` is recorded (Guardline sends no notification yet)',
  }),
  mode: literals(BRUTE_FORCE_MODES),
  // Each entry is parsed by the service (net.isIP / net.BlockList), whose 400 names the entry that is not an address.
  allowlist: Type.Array(Type.String({ maxLength: 64 }), { maxItems: MAX_ALLOWLIST_ENTRIES, description: 'IPv4/IPv6 addresses and CIDR ranges never counted nor blocked' }),
  max_attempts: Type.Integer({ minimum: MAX_ATTEMPTS.min, maximum: MAX_ATTEMPTS.max, description: 'Failed attempts in a row before the threshold (default 10)' }),
};

/** Auth0's brute-force-protection object. */
export const BruteForceSettings = Type.Object(fields);

/** PATCH: any subset; a field left out keeps its value. */
export const BruteForceSettingsPatch = StrictObject({
  enabled: Type.Optional(fields.enabled),
  shields: Type.Optional(fields.shields),
  mode: Type.Optional(fields.mode),
  allowlist: Type.Optional(fields.allowlist),
  max_attempts: Type.Optional(fields.max_attempts),
});

// Suspicious IP throttling (Auth0's object)
const stage = Type.Object({
  max_attempts: Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Attempts from one address before it is throttled' }),
  rate: Type.Integer({ minimum: 1, maximum: 2_592_000_000, description: 'Milliseconds for one attempt to come back' }),
});
const suspiciousShields = Type.Array(literals(SUSPICIOUS_IP_SHIELDS), { description: '`block` refuses with 429; `admin_notification` is recorded in the event' });
export const SuspiciousIpSettingsBody = Type.Object({
  enabled: Type.Boolean(),
  shields: suspiciousShields,
  allowlist: Type.Array(Type.String({ maxLength: 64 })),
  stage: Type.Object({ 'pre-login': stage, 'pre-user-registration': stage }),
});
export const SuspiciousIpSettingsPatch = StrictObject({
  enabled: Type.Optional(Type.Boolean()),
  shields: Type.Optional(suspiciousShields),
  allowlist: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: MAX_ALLOWLIST_ENTRIES, description: 'IPv4/IPv6 addresses and CIDR ranges never throttled' })),
  stage: Type.Optional(
    StrictObject({
      'pre-login': Type.Optional(StrictObject({ max_attempts: Type.Optional(stage.properties.max_attempts), rate: Type.Optional(stage.properties.rate) })),
      'pre-user-registration': Type.Optional(StrictObject({ max_attempts: Type.Optional(stage.properties.max_attempts), rate: Type.Optional(stage.properties.rate) })),
    }),
  ),
});

// Phone provider protection (Auth0's object)
export const PhoneProviderProtectionBody = StrictObject({ type: literals(PHONE_PROVIDER_PROTECTION_TYPES) });
/** Terraform's provider writes `default` where the API description says `none` (docs/compatibility.md): both are accepted. */
export const PhoneProviderProtectionPatch = StrictObject({ type: literals([...PHONE_PROVIDER_PROTECTION_TYPES, 'default'] as const) });

// Phone fraud rules (Guardline extension)
const countryList = Type.Array(Type.String({ pattern: '^[A-Za-z]{2}$' }), { maxItems: 250, description: 'ISO 3166-1 alpha-2 codes' });
const channelRule = { mode: literals(COUNTRY_RULE_MODES), countries: countryList };
const velocity = { enabled: Type.Boolean(), max_attempts: Type.Integer({ minimum: 1, maximum: 1_000_000 }), rate: Type.Integer({ minimum: 1, maximum: 2_592_000_000, description: 'Milliseconds for one send to come back' }) };
const nullableNumber = Type.Union([Type.Number({ minimum: 0 }), Type.Null()]);
const budgetCap = { messages: nullableNumber, cost: nullableNumber };
const budgetCaps = { daily: Type.Object(budgetCap), monthly: Type.Object(budgetCap) };
const pumping = {
  enabled: Type.Boolean(),
  prefix_digits: Type.Integer({ minimum: 2, maximum: 8 }),
  window_minutes: Type.Integer({ minimum: 1, maximum: 1440 }),
  baseline_hours: Type.Integer({ minimum: 1, maximum: 336 }),
  spike_factor: Type.Number({ minimum: 1, maximum: 1000 }),
  min_messages: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  min_completion_rate: Type.Number({ minimum: 0, maximum: 1 }),
  block_minutes: Type.Integer({ minimum: 1, maximum: 43_200 }),
};
const optional = <T extends Record<string, TSchema>>(props: T) => StrictObject(Object.fromEntries(Object.entries(props).map(([k, v]) => [k, Type.Optional(v)])) as { [K in keyof T]: TOptional<T[K]> });
const velocityScopes = <S extends TSchema>(of: S) => Object.fromEntries(VELOCITY_SCOPES.map((scope) => [scope, of])) as Record<(typeof VELOCITY_SCOPES)[number], S>;

export const PhoneFraudSettingsBody = Type.Object({
  country_rules: Type.Object({ sms: Type.Object(channelRule), voice: Type.Object(channelRule), blocked_prefixes: Type.Array(Type.String()), block_high_risk_prefixes: Type.Boolean() }),
  velocity: Type.Object(velocityScopes(Type.Object(velocity))),
  budgets: Type.Object({ enabled: Type.Boolean(), tenant: Type.Object(budgetCaps), countries: Type.Record(Type.String(), Type.Object(budgetCaps)) }),
  pumping_detection: Type.Object(pumping),
});

export const PhoneFraudSettingsPatch = StrictObject({
  country_rules: Type.Optional(
    optional({
      sms: optional(channelRule),
      voice: optional(channelRule),
      blocked_prefixes: Type.Array(Type.String({ maxLength: 9 }), { maxItems: 250, description: 'E.164 prefixes never sent to, e.g. "+882"' }),
      block_high_risk_prefixes: Type.Boolean({ description: 'Also refuse the built-in premium-rate and high-risk list' }),
    }),
  ),
  velocity: Type.Optional(optional(velocityScopes(optional(velocity)))),
  budgets: Type.Optional(
    optional({
      enabled: Type.Boolean(),
      tenant: optional({ daily: optional(budgetCap), monthly: optional(budgetCap) }),
      countries: Type.Record(Type.String({ pattern: '^[A-Za-z]{2}$' }), optional({ daily: optional(budgetCap), monthly: optional(budgetCap) }), { maxProperties: 250 }),
    }),
  ),
  pumping_detection: Type.Optional(optional(pumping)),
});

// Prefix blocks
export const PrefixParams = StrictObject({ prefix: Type.String({ pattern: '^\\+[1-9][0-9]{0,7}$', description: 'An E.164 prefix, e.g. +88213' }) });
export const PrefixBlock = Type.Object({
  prefix: Type.String(),
  state: literals(['blocked', 'pinned', 'lifted'] as const),
  reason: Type.String(),
  details: Type.Record(Type.String(), Type.Unknown()),
  created_at: Type.String(),
  updated_at: Type.String(),
  until: Type.Union([Type.String(), Type.Null()]),
});
export const PrefixBlockPut = StrictObject({
  state: literals(['blocked', 'pinned'] as const),
  until: Type.Optional(Type.String({ format: 'date-time', description: 'When a `blocked` prefix is sent to again (required for blocked)' })),
});

// Usage triggers
export const UsageTriggerInput = StrictObject({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  metric: literals(['messages', 'cost'] as const),
  period: literals(['hour', 'day', 'month'] as const),
  threshold: Type.Number({ exclusiveMinimum: 0, maximum: 1e9, description: 'Messages, or cost in the price table currency' }),
  country: Type.Optional(Type.Union([Type.String({ pattern: '^[A-Za-z]{2}$' }), Type.Null()])),
  webhook_url: Type.String({ minLength: 8, maxLength: 2048 }),
});
export const UsageTrigger = Type.Object({
  id: Type.String(),
  name: Type.String(),
  metric: Type.String(),
  period: Type.String(),
  threshold: Type.Number(),
  country: Type.Union([Type.String(), Type.Null()]),
  webhook_url: Type.String(),
  created_at: Type.String(),
});
export const CreatedUsageTrigger = Type.Composite([UsageTrigger, Type.Object({ secret: Type.String({ description: 'The HMAC key of the `guardline-signature` header: shown once' }) })]);
export const UsageTriggerDetail = Type.Composite([
  UsageTrigger,
  Type.Object({
    deliveries: Type.Array(
      Type.Object({ id: Type.String(), window: Type.String(), attempts: Type.Integer(), delivered_at: Type.Union([Type.String(), Type.Null()]), last_error: Type.Union([Type.String(), Type.Null()]), created_at: Type.String() }),
    ),
  }),
]);
export const UsageTriggerParams = StrictObject({ id: Type.String({ pattern: '^utr_[A-Za-z0-9]{16}$' }) });
