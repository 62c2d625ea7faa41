/**
 * Which sends the fraud rules refuse before anything is counted or sent: the country rules of the channel, the
 * tenant's blocked prefixes, the built-in high-risk list, and the prefixes the pumping detector (or an administrator)
 * blocked. Pure: the service passes the settings and the active blocks.
 */
import type { MessageChannel } from '../message-templates.js';
import { HIGH_RISK_PREFIXES, type PhoneFraudSettings } from './settings.js';

export type RuleRefusal =
  | { reason: 'country_not_allowed'; country: string | undefined; message: string }
  | { reason: 'prefix_blocked'; prefix: string; message: string }
  | { reason: 'pumping_block'; prefix: string; message: string };

/** The number's prefix for traffic statistics and blocks: "+" and its first `digits` digits. */
export const prefixOf = (e164: string, digits: number): string => e164.slice(0, 1 + digits);

const label = (channel: MessageChannel) => (channel === 'sms' ? 'SMS' : 'Voice calls');

export function ruleRefusal(settings: PhoneFraudSettings, channel: MessageChannel, to: string, country: string | undefined, blockedPrefixes: readonly string[]): RuleRefusal | undefined {
  const rules = settings.country_rules;
  const rule = rules[channel];
  if (rule.mode !== 'off') {
    const listed = country !== undefined && rule.countries.includes(country);
    if (rule.mode === 'allow' ? !listed : listed) {
      return { reason: 'country_not_allowed', country, message: `${label(channel)} to ${country ?? 'this country'} are not allowed by this tenant's country rules.` };
    }
  }
  const listed = [...rules.blocked_prefixes, ...(rules.block_high_risk_prefixes ? HIGH_RISK_PREFIXES : [])].find((p) => to.startsWith(p));
  if (listed) return { reason: 'prefix_blocked', prefix: listed, message: `Numbers starting ${listed} are blocked (premium-rate or high-risk range).` };
  const pumped = blockedPrefixes.find((p) => to.startsWith(p));
  if (pumped) return { reason: 'pumping_block', prefix: pumped, message: `Numbers starting ${pumped} are blocked for now: unusual traffic to them looks like SMS pumping.` };
  return undefined;
}
