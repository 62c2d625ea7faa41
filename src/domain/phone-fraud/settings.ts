/**
 * The phone factor's fraud rules of one tenant, as the Management API shows them
 * (`/api/v2/attack-protection/phone-fraud`, a Guardline extension): country rules, velocity limits, budget caps and
 * pumping detection. Pure: the defaults, and a PATCH merged and checked. The service stores the result as JSON.
 */
import { isCallingCountry } from '../calling-codes.js';

export const COUNTRY_RULE_MODES = ['off', 'allow', 'deny'] as const;
export type CountryRuleMode = (typeof COUNTRY_RULE_MODES)[number];

export interface ChannelCountryRule {
  /** off: every country; allow: only `countries`; deny: every country but `countries` */
  mode: CountryRuleMode;
  /** ISO 3166-1 alpha-2 */
  countries: string[];
}

/** A token bucket in Auth0's attack-protection words: `max_attempts` at once, one more every `rate` ms. */
export interface VelocityRule {
  enabled: boolean;
  max_attempts: number;
  rate: number;
}

export const VELOCITY_SCOPES = ['per_number', 'per_ip', 'per_country', 'per_prefix', 'per_tenant'] as const;
export type VelocityScope = (typeof VELOCITY_SCOPES)[number];

export interface BudgetCap {
  /** messages in the period; null: no cap */
  messages: number | null;
  /** estimated cost in the price table's currency; null: no cap */
  cost: number | null;
}

export interface BudgetCaps {
  daily: BudgetCap;
  monthly: BudgetCap;
}

export interface PumpingDetection {
  enabled: boolean;
  /** digits of the E.164 number after the "+" that make a prefix (the country code and the start of the national number) */
  prefix_digits: number;
  /** the recent window compared against the baseline */
  window_minutes: number;
  /** how far back the baseline reaches */
  baseline_hours: number;
  /** a window above this many times the baseline's average window is a spike */
  spike_factor: number;
  /** fewer sends than this in the window are never a spike (a quiet prefix's first burst of logins) */
  min_messages: number;
  /** verified / sent over the baseline below this blocks the prefix, once `min_messages` were sent */
  min_completion_rate: number;
  block_minutes: number;
}

export interface PhoneFraudSettings {
  country_rules: {
    sms: ChannelCountryRule;
    voice: ChannelCountryRule;
    /** E.164 prefixes ("+882", "+4470") never sent to, on either channel */
    blocked_prefixes: string[];
    /** also refuse the built-in list of premium-rate and high-risk prefixes (HIGH_RISK_PREFIXES) */
    block_high_risk_prefixes: boolean;
  };
  velocity: Record<VelocityScope, VelocityRule>;
  budgets: {
    enabled: boolean;
    tenant: BudgetCaps;
    /** per ISO country */
    countries: Record<string, BudgetCaps>;
  };
  pumping_detection: PumpingDetection;
}

const HOUR = 3_600_000;

/**
 * Ranges that no login needs and that toll fraud loves: international networks and satellite services billed at
 * premium rates (ITU-T E.164 shared codes +870 Inmarsat, +881 GMSS, +882/+883 international networks, +979
 * international premium rate). Refused by default; an operator who really needs one turns the list off.
 */
export const HIGH_RISK_PREFIXES = ['+870', '+881', '+882', '+883', '+979'] as const;

/**
 * On by default, wide enough for real logins: a number gets 10 codes then 1 per 6 minutes (the user's own bucket
 * is Auth0's 10 then 1 per hour); one address 100 then 1 per 36 s, which an office behind one NAT does not reach but
 * a script does. Country, prefix and tenant volumes differ too much between tenants for a default: off until set.
 */
export const DEFAULT_PHONE_FRAUD: PhoneFraudSettings = {
  country_rules: {
    sms: { mode: 'off', countries: [] },
    voice: { mode: 'off', countries: [] },
    blocked_prefixes: [],
    block_high_risk_prefixes: true,
  },
  velocity: {
    per_number: { enabled: true, max_attempts: 10, rate: 360_000 },
    per_ip: { enabled: true, max_attempts: 100, rate: 36_000 },
    per_country: { enabled: false, max_attempts: 1_000, rate: 3_600 },
    per_prefix: { enabled: false, max_attempts: 200, rate: 18_000 },
    per_tenant: { enabled: false, max_attempts: 10_000, rate: 360 },
  },
  budgets: {
    enabled: false,
    tenant: { daily: { messages: null, cost: null }, monthly: { messages: null, cost: null } },
    countries: {},
  },
  pumping_detection: {
    enabled: true,
    prefix_digits: 5,
    window_minutes: 10,
    baseline_hours: 24,
    spike_factor: 5,
    min_messages: 20,
    min_completion_rate: 0.2,
    block_minutes: 60,
  },
};

export class PhoneFraudSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PhoneFraudSettingsError';
  }
}

const PREFIX = /^\+[1-9]\d{0,7}$/;
const MAX_LIST = 250;

type DeepPartial<T> = { [K in keyof T]?: T[K] extends Array<unknown> ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };
export type PhoneFraudPatch = DeepPartial<PhoneFraudSettings>;

function countries(field: string, list: readonly string[]): string[] {
  if (list.length > MAX_LIST) throw new PhoneFraudSettingsError(`${field}: at most ${MAX_LIST} countries`);
  const upper = list.map((c) => c.toUpperCase());
  const unknown = upper.find((c) => !isCallingCountry(c));
  if (unknown !== undefined) throw new PhoneFraudSettingsError(`${field}: "${unknown}" is not an ISO 3166-1 alpha-2 country with a calling code`);
  return [...new Set(upper)].sort();
}

function cap(field: string, value: number | null | undefined, kept: number | null): number | null {
  if (value === undefined) return kept;
  if (value !== null && !(Number.isFinite(value) && value >= 0)) throw new PhoneFraudSettingsError(`${field} must be a non-negative number or null`);
  return value;
}

function caps(field: string, patch: DeepPartial<BudgetCaps> | undefined, kept: BudgetCaps): BudgetCaps {
  const period = (name: 'daily' | 'monthly') => ({
    messages: cap(`${field}.${name}.messages`, patch?.[name]?.messages, kept[name].messages),
    cost: cap(`${field}.${name}.cost`, patch?.[name]?.cost, kept[name].cost),
  });
  const out = { daily: period('daily'), monthly: period('monthly') };
  for (const key of ['messages', 'cost'] as const) {
    const [day, month] = [out.daily[key], out.monthly[key]];
    if (day !== null && month !== null && day > month) throw new PhoneFraudSettingsError(`${field}.daily.${key} cannot be above ${field}.monthly.${key}`);
  }
  if (out.daily.messages !== null && !Number.isInteger(out.daily.messages)) throw new PhoneFraudSettingsError(`${field}.daily.messages must be a whole number`);
  if (out.monthly.messages !== null && !Number.isInteger(out.monthly.messages)) throw new PhoneFraudSettingsError(`${field}.monthly.messages must be a whole number`);
  return out;
}

/** The settings after `patch` (a field left out keeps its value; arrays and the countries map are replaced whole). */
export function applyPhoneFraudPatch(current: PhoneFraudSettings, patch: PhoneFraudPatch): PhoneFraudSettings {
  const rules = patch.country_rules;
  const channel = (name: 'sms' | 'voice'): ChannelCountryRule => ({
    mode: rules?.[name]?.mode ?? current.country_rules[name].mode,
    countries: rules?.[name]?.countries ? countries(`country_rules.${name}.countries`, rules[name].countries) : current.country_rules[name].countries,
  });
  const blocked = rules?.blocked_prefixes ?? current.country_rules.blocked_prefixes;
  if (blocked.length > MAX_LIST) throw new PhoneFraudSettingsError(`country_rules.blocked_prefixes: at most ${MAX_LIST} prefixes`);
  const badPrefix = blocked.find((p) => !PREFIX.test(p));
  if (badPrefix !== undefined) throw new PhoneFraudSettingsError(`country_rules.blocked_prefixes: "${badPrefix}" is not an E.164 prefix (a "+" and 1 to 8 digits, e.g. "+882")`);

  const velocity = {} as Record<VelocityScope, VelocityRule>;
  for (const scope of VELOCITY_SCOPES) {
    const next = { ...current.velocity[scope], ...(patch.velocity?.[scope] ?? {}) };
    if (!Number.isInteger(next.max_attempts) || next.max_attempts < 1 || next.max_attempts > 1_000_000) throw new PhoneFraudSettingsError(`velocity.${scope}.max_attempts must be a whole number from 1 to 1000000`);
    if (!Number.isInteger(next.rate) || next.rate < 1 || next.rate > 30 * 24 * HOUR) throw new PhoneFraudSettingsError(`velocity.${scope}.rate must be a whole number of milliseconds from 1 to 2592000000 (30 days)`);
    velocity[scope] = next;
  }

  const budgetCountries = patch.budgets?.countries
    ? Object.fromEntries(
        Object.entries(patch.budgets.countries).map(([country, value]) => {
          const [iso] = countries('budgets.countries', [country]);
          return [iso!, caps(`budgets.countries.${iso}`, value, DEFAULT_PHONE_FRAUD.budgets.tenant)];
        }),
      )
    : current.budgets.countries;
  if (Object.keys(budgetCountries).length > MAX_LIST) throw new PhoneFraudSettingsError(`budgets.countries: at most ${MAX_LIST} countries`);

  const pumping = { ...current.pumping_detection, ...(patch.pumping_detection ?? {}) };
  const range = (field: keyof PumpingDetection, min: number, max: number, integer = true) => {
    const v = pumping[field] as number;
    if (!(Number.isFinite(v) && v >= min && v <= max && (!integer || Number.isInteger(v)))) throw new PhoneFraudSettingsError(`pumping_detection.${field} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`);
  };
  range('prefix_digits', 2, 8);
  range('window_minutes', 1, 1_440);
  range('baseline_hours', 1, 24 * 14);
  range('spike_factor', 1, 1_000, false);
  range('min_messages', 1, 1_000_000);
  range('min_completion_rate', 0, 1, false);
  range('block_minutes', 1, 30 * 1_440);
  if (pumping.window_minutes * 2 > pumping.baseline_hours * 60) throw new PhoneFraudSettingsError('pumping_detection.baseline_hours must cover at least two windows');

  return {
    country_rules: { sms: channel('sms'), voice: channel('voice'), blocked_prefixes: [...new Set(blocked)].sort(), block_high_risk_prefixes: rules?.block_high_risk_prefixes ?? current.country_rules.block_high_risk_prefixes },
    velocity,
    budgets: {
      enabled: patch.budgets?.enabled ?? current.budgets.enabled,
      tenant: caps('budgets.tenant', patch.budgets?.tenant, current.budgets.tenant),
      countries: budgetCountries,
    },
    pumping_detection: pumping,
  };
}

/** Stored JSON → settings; fields added after a document was written take their defaults. */
export function parseStoredPhoneFraud(json: string | undefined): PhoneFraudSettings {
  if (!json) return DEFAULT_PHONE_FRAUD;
  return applyPhoneFraudPatch(DEFAULT_PHONE_FRAUD, JSON.parse(json) as PhoneFraudPatch);
}
