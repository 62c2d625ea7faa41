/**
 * Auth0's suspicious IP throttling (`/api/v2/attack-protection/suspicious-ip-throttling`): per address, failed
 * logins across every account (stage `pre-login`) and sign-ups (stage `pre-user-registration`) are token buckets of
 * `max_attempts` refilling one every `rate` ms; an empty bucket refuses further attempts from the address with 429
 * and a `limit_mu` / `limit_sul` event. Pure: the object, its defaults and a PATCH checked.
 */
import { compileAllowlist, MAX_ALLOWLIST_ENTRIES } from './brute-force.js';

export const SUSPICIOUS_IP_SHIELDS = ['block', 'admin_notification'] as const;
export type SuspiciousIpShield = (typeof SUSPICIOUS_IP_SHIELDS)[number];

export interface ThrottleStage {
  max_attempts: number;
  rate: number;
}

export interface SuspiciousIpSettings {
  enabled: boolean;
  shields: SuspiciousIpShield[];
  allowlist: string[];
  stage: { 'pre-login': ThrottleStage; 'pre-user-registration': ThrottleStage };
}

/** Auth0's defaults: 100 failed logins per day per address (one back every 864 s); 50 sign-ups (one back every 1,728 s). */
export const DEFAULT_SUSPICIOUS_IP: SuspiciousIpSettings = {
  enabled: true,
  shields: ['block', 'admin_notification'],
  allowlist: [],
  stage: { 'pre-login': { max_attempts: 100, rate: 864_000 }, 'pre-user-registration': { max_attempts: 50, rate: 1_728_000 } },
};

export type SuspiciousIpPatch = Partial<Omit<SuspiciousIpSettings, 'stage'>> & { stage?: { 'pre-login'?: Partial<ThrottleStage>; 'pre-user-registration'?: Partial<ThrottleStage> } };

export class SuspiciousIpSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SuspiciousIpSettingsError';
  }
}

export function applySuspiciousIpPatch(current: SuspiciousIpSettings, patch: SuspiciousIpPatch): SuspiciousIpSettings {
  const stage = (name: 'pre-login' | 'pre-user-registration'): ThrottleStage => {
    const next = { ...current.stage[name], ...(patch.stage?.[name] ?? {}) };
    if (!Number.isInteger(next.max_attempts) || next.max_attempts < 1 || next.max_attempts > 1_000_000) throw new SuspiciousIpSettingsError(`stage.${name}.max_attempts must be a whole number from 1 to 1000000`);
    if (!Number.isInteger(next.rate) || next.rate < 1 || next.rate > 2_592_000_000) throw new SuspiciousIpSettingsError(`stage.${name}.rate must be a whole number of milliseconds from 1 to 2592000000`);
    return next;
  };
  const allowlist = patch.allowlist ?? current.allowlist;
  if (allowlist.length > MAX_ALLOWLIST_ENTRIES) throw new SuspiciousIpSettingsError(`allowlist: at most ${MAX_ALLOWLIST_ENTRIES} entries`);
  try {
    compileAllowlist(allowlist);
  } catch (err) {
    throw new SuspiciousIpSettingsError((err as Error).message);
  }
  return {
    enabled: patch.enabled ?? current.enabled,
    shields: [...new Set(patch.shields ?? current.shields)],
    allowlist: [...new Set(allowlist)],
    stage: { 'pre-login': stage('pre-login'), 'pre-user-registration': stage('pre-user-registration') },
  };
}

export const parseStoredSuspiciousIp = (json: string | undefined): SuspiciousIpSettings =>
  json ? applySuspiciousIpPatch(DEFAULT_SUSPICIOUS_IP, JSON.parse(json) as SuspiciousIpPatch) : DEFAULT_SUSPICIOUS_IP;

/** Auth0's phone provider protection: `exponential` back-off between a user's sends, or `none`. */
export const PHONE_PROVIDER_PROTECTION_TYPES = ['exponential', 'none'] as const;
export type PhoneProviderProtection = { type: (typeof PHONE_PROVIDER_PROTECTION_TYPES)[number] };
/** Off until a tenant turns it on: it makes "resend" wait a minute, then two… (see docs/security.md). */
export const DEFAULT_PHONE_PROVIDER_PROTECTION: PhoneProviderProtection = { type: 'none' };
