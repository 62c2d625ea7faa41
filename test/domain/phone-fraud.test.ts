import { describe, expect, it } from 'vitest';
import { costMicros, priceTableProblem } from '../../src/domain/phone-fraud/prices.js';
import { baselineSlots, pumpingVerdict, worthEvaluating } from '../../src/domain/phone-fraud/pumping.js';
import { prefixOf, ruleRefusal } from '../../src/domain/phone-fraud/rules.js';
import { backoffDelayMs, numberKey, sendLimits, windowOf } from '../../src/domain/phone-fraud/send-limits.js';
import { applyPhoneFraudPatch, DEFAULT_PHONE_FRAUD, PhoneFraudSettingsError } from '../../src/domain/phone-fraud/settings.js';
import { PHONE_LIMITS } from '../../src/limits/index.js';

const pumping = DEFAULT_PHONE_FRAUD.pumping_detection;
const zeros = (n: number) => Array<number>(n).fill(0);

describe('pumping verdicts', () => {
  it('a spike blocks only when the window’s codes are not typed back', () => {
    const sent = [...zeros(144), 20];
    expect(pumpingVerdict({ sent, verified: zeros(145) }, pumping)).toMatchObject({ reason: 'spike', current: 20, baseline_average: 0 });
    expect(pumpingVerdict({ sent, verified: [...zeros(144), 15] }, pumping)).toBeUndefined();
    expect(pumpingVerdict({ sent: [...zeros(144), 19], verified: zeros(145) }, pumping)).toBeUndefined();
    // a busy prefix needs more than 5× its own average
    expect(pumpingVerdict({ sent: [...Array<number>(144).fill(10), 50], verified: [...Array<number>(144).fill(9), 0] }, pumping)).toBeUndefined();
    expect(pumpingVerdict({ sent: [...Array<number>(144).fill(10), 51], verified: [...Array<number>(144).fill(9), 0] }, pumping)).toMatchObject({ reason: 'spike' });
  });

  it('low completion over finished windows blocks a paced attack; the current window is left out', () => {
    expect(pumpingVerdict({ sent: [...zeros(140), 5, 5, 5, 5, 5], verified: zeros(145) }, pumping)).toMatchObject({ reason: 'low_completion', sent: 20, verified: 0 });
    expect(pumpingVerdict({ sent: [...zeros(140), 5, 5, 5, 4, 5], verified: zeros(145) }, pumping)).toBeUndefined();
    expect(pumpingVerdict({ sent: [...zeros(140), 5, 5, 5, 5, 5], verified: [...zeros(140), 1, 1, 1, 1, 0] }, pumping)).toBeUndefined();
    expect(pumpingVerdict({ sent: [...zeros(140), 5, 5, 5, 5, 5], verified: [...zeros(140), 1, 1, 1, 0, 0] }, pumping)).toMatchObject({ completion_rate: 0.15 });
  });

  it('reads a baseline at the 5th, 10th… send of a window and at min_messages; the baseline covers 24 h of 10-minute windows', () => {
    expect([1, 4, 5, 6, 10, 19, 20, 21].map((n) => worthEvaluating(n, pumping))).toEqual([false, false, true, false, true, false, true, false]);
    expect(baselineSlots(1000, pumping)).toHaveLength(145);
    expect(baselineSlots(1000, pumping).at(-1)).toBe(1000);
  });
});

describe('rules', () => {
  it('country allow- and deny-lists per channel, blocked and high-risk prefixes, pumping blocks', () => {
    const settings = applyPhoneFraudPatch(DEFAULT_PHONE_FRAUD, { country_rules: { sms: { mode: 'allow', countries: ['JP'] }, voice: { mode: 'deny', countries: ['GB'] } } });
    expect(ruleRefusal(settings, 'sms', '+447400123456', 'GB', [])).toMatchObject({ reason: 'country_not_allowed', country: 'GB' });
    expect(ruleRefusal(settings, 'sms', '+819012345678', 'JP', [])).toBeUndefined();
    expect(ruleRefusal(settings, 'voice', '+447400123456', 'GB', [])).toMatchObject({ reason: 'country_not_allowed' });
    expect(ruleRefusal(settings, 'voice', '+819012345678', 'JP', ['+81901'])).toMatchObject({ reason: 'pumping_block', prefix: '+81901' });
    expect(ruleRefusal(DEFAULT_PHONE_FRAUD, 'sms', '+88213000000', undefined, [])).toMatchObject({ reason: 'prefix_blocked', prefix: '+882' });
    const off = applyPhoneFraudPatch(DEFAULT_PHONE_FRAUD, { country_rules: { block_high_risk_prefixes: false } });
    expect(ruleRefusal(off, 'sms', '+88213000000', undefined, [])).toBeUndefined();
    expect(prefixOf('+819012345678', 5)).toBe('+81901');
  });

  it('a PATCH is checked whole: nothing of a bad patch is applied', () => {
    expect(() => applyPhoneFraudPatch(DEFAULT_PHONE_FRAUD, { country_rules: { sms: { countries: ['XX'] } } })).toThrow(PhoneFraudSettingsError);
    expect(() => applyPhoneFraudPatch(DEFAULT_PHONE_FRAUD, { country_rules: { blocked_prefixes: ['882'] } })).toThrow(/not an E.164 prefix/);
    expect(() => applyPhoneFraudPatch(DEFAULT_PHONE_FRAUD, { budgets: { tenant: { daily: { messages: 10 }, monthly: { messages: 5 } } } })).toThrow(/cannot be above/);
    expect(() => applyPhoneFraudPatch(DEFAULT_PHONE_FRAUD, { pumping_detection: { window_minutes: 60, baseline_hours: 1 } })).toThrow(/two windows/);
    expect(applyPhoneFraudPatch(DEFAULT_PHONE_FRAUD, { country_rules: { sms: { countries: ['jp', 'JP', 'us'] } } }).country_rules.sms.countries).toEqual(['JP', 'US']);
  });
});

describe('prices, windows, back-off and the takes of one send', () => {
  it('prices by provider, channel and country, in micro-units', () => {
    const table = { twilio: { sms: { default: 0.0079, JP: 0.0735 } }, default: { voice: 0.014 } };
    expect(costMicros(table, 'twilio', 'sms', 'JP')).toBe(73_500);
    expect(costMicros(table, 'twilio', 'sms', 'US')).toBe(7_900);
    expect(costMicros(table, 'twilio', 'voice', 'JP')).toBe(14_000);
    expect(costMicros(table, 'vonage', 'sms', 'JP')).toBe(50_000); // the built-in placeholder
    expect(priceTableProblem({ twilio: { fax: 1 } })).toMatch(/only "sms" and "voice"/);
    expect(priceTableProblem({ twilio: { sms: -1 } })).toMatch(/a price is a number/);
    expect(priceTableProblem({ twilio: { sms: { default: 0.01 } } })).toBeUndefined();
  });

  it('UTC windows and their ends', () => {
    const now = Date.parse('2026-12-31T23:30:00.000Z');
    expect(windowOf('hour', now)).toEqual({ key: '2026-12-31T23', endsAt: Date.parse('2027-01-01T00:00:00.000Z') });
    expect(windowOf('day', now)).toEqual({ key: '2026-12-31', endsAt: Date.parse('2027-01-01T00:00:00.000Z') });
    expect(windowOf('month', now)).toEqual({ key: '2026-12', endsAt: Date.parse('2027-01-01T00:00:00.000Z') });
  });

  it('back-off: 1, 2, 4 … 32 minutes, jitter up to 20%', () => {
    expect([0, 1, 2, 3, 6, 7].map((l) => backoffDelayMs(l, 0) / 60_000)).toEqual([0, 1, 2, 4, 32, 32]);
    expect(backoffDelayMs(1, 0.999) / 60_000).toBeCloseTo(1.2, 2);
  });

  it('one send takes the user bucket, the enabled velocity rules, the caps and the traffic counters, with no number in any key', () => {
    const facts = { tenantId: 't1', userId: 'u1', to: '+819012345678', country: 'JP', prefix: '+81901', ip: '203.0.113.1', channel: 'sms' as const, costMicros: 73_500, now: Date.parse('2026-12-02T09:00:00.000Z') };
    const settings = applyPhoneFraudPatch(DEFAULT_PHONE_FRAUD, { budgets: { enabled: true, tenant: { daily: { cost: 10 } }, countries: { JP: { monthly: { messages: 1000 } } } } });
    const { takes, labels } = sendLimits(facts, { settings, userRule: PHONE_LIMITS.sends, backoff: undefined, watched: [{ metric: 'cost', period: 'day', country: null }], countTraffic: true });
    expect(labels.map((l) => l.kind + ('scope' in l ? `:${l.scope}` : '') + ('metric' in l ? `:${l.metric}/${l.period}/${l.country ?? '*'}` : ''))).toEqual([
      'user',
      'velocity:per_number',
      'velocity:per_ip',
      'usage:cost/day/*',
      'usage:messages/month/JP',
      'traffic',
      'traffic',
    ]);
    expect(takes[3]).toMatchObject({ kind: 'counter', cost: 73_500, limit: 10_000_000, key: 't1:*:2026-12-02' });
    expect(JSON.stringify(takes)).not.toContain('9012345678');
    expect(takes[1]).toMatchObject({ key: `t1:${numberKey('+819012345678')}` });
  });
});
