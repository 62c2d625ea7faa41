import { ValidationError } from '../../errors/errors.js';
import { applyPhoneFraudPatch, parseStoredPhoneFraud, PhoneFraudSettingsError, type PhoneFraudPatch, type PhoneFraudSettings } from '../../domain/phone-fraud/settings.js';
import {
  applySuspiciousIpPatch,
  DEFAULT_PHONE_PROVIDER_PROTECTION,
  parseStoredSuspiciousIp,
  SuspiciousIpSettingsError,
  type PhoneProviderProtection,
  type SuspiciousIpPatch,
  type SuspiciousIpSettings,
} from '../../domain/suspicious-ip.js';
import type { ConfigCache } from '../config-cache.js';
import type { ServiceDeps } from '../context.js';
import type { Tenant } from '../tenants.js';

/** The names of the protection documents in `attack_protection_settings`. */
const SUSPICIOUS_IP = 'suspicious_ip_throttling';
const PROVIDER_PROTECTION = 'phone_provider_protection';
const PHONE_FRAUD = 'phone_fraud';

/**
 * The attack-protection settings besides brute force (services/brute-force.ts): Auth0's suspicious IP throttling and
 * phone provider protection, and Guardline's phone fraud rules. Read on every send and failed login, so through the
 * versioned configuration cache (a PATCH on any node is seen by the next request everywhere).
 */
export function createProtectionSettings({ store, clock }: Pick<ServiceDeps, 'store' | 'clock'>, { cache }: { cache: ConfigCache }) {
  const read = <T>(tenant: Tenant, name: string, parse: (json: string | undefined) => T) =>
    cache.read(tenant, `attack-protection:${name}`, async () => parse(await store.phoneFraud.findSetting(tenant.id, name)));
  const save = (tenant: Tenant, name: string, value: unknown) => store.phoneFraud.saveSetting(tenant.id, name, JSON.stringify(value), clock.now().toISOString());

  const suspiciousIp = (tenant: Tenant) => read(tenant, SUSPICIOUS_IP, parseStoredSuspiciousIp);
  const providerProtection = (tenant: Tenant) =>
    read(tenant, PROVIDER_PROTECTION, (json): PhoneProviderProtection => (json ? (JSON.parse(json) as PhoneProviderProtection) : DEFAULT_PHONE_PROVIDER_PROTECTION));
  const phoneFraud = (tenant: Tenant) => read(tenant, PHONE_FRAUD, parseStoredPhoneFraud);

  return {
    suspiciousIp,
    providerProtection,
    phoneFraud,

    async updateSuspiciousIp(tenant: Tenant, patch: SuspiciousIpPatch): Promise<SuspiciousIpSettings> {
      let next: SuspiciousIpSettings;
      try {
        next = applySuspiciousIpPatch(await suspiciousIp(tenant), patch);
      } catch (err) {
        if (err instanceof SuspiciousIpSettingsError) throw new ValidationError(err.message);
        throw err;
      }
      await save(tenant, SUSPICIOUS_IP, next);
      return next;
    },

    async updateProviderProtection(tenant: Tenant, next: PhoneProviderProtection): Promise<PhoneProviderProtection> {
      await save(tenant, PROVIDER_PROTECTION, next);
      return next;
    },

    async updatePhoneFraud(tenant: Tenant, patch: PhoneFraudPatch): Promise<PhoneFraudSettings> {
      let next: PhoneFraudSettings;
      try {
        next = applyPhoneFraudPatch(await phoneFraud(tenant), patch);
      } catch (err) {
        if (err instanceof PhoneFraudSettingsError) throw new ValidationError(err.message);
        throw err;
      }
      await save(tenant, PHONE_FRAUD, next);
      return next;
    },
  };
}

export type ProtectionSettings = ReturnType<typeof createProtectionSettings>;
