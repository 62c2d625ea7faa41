/**
 * Every bucket and counter one phone send takes, in one list, so the limiter takes them all or none
 * (limits/limiter.ts `takeAll`): a send refused by one limit must not use up the others. Pure: the service passes
 * the facts of the send and reads the labels back to know which limit refused.
 *
 * - the user's own bucket (Auth0's 10, then 1 per hour) — always;
 * - phone provider protection `exponential`: a level bucket (6 deep, one level back per 32 idle minutes) and a gate
 *   that holds the next send back 1, 2, 4 … 32 minutes (plus up to 20% jitter) after the previous one;
 * - the velocity rules: per number (hashed), IP, country, prefix and tenant;
 * - budget counters (messages and estimated cost, per day and month, for the tenant and the country) when a cap is
 *   set, and usage counters a trigger watches;
 * - traffic counters (no limit) per prefix and country, for the pumping detector.
 */
import { createHash } from 'node:crypto';
import type { BucketRule, LimitTake } from '../../limits/limiter.js';
import type { MessageChannel } from '../message-templates.js';
import type { BudgetCap, PhoneFraudSettings, VelocityScope } from './settings.js';

export interface SendFacts {
  tenantId: string;
  userId: string;
  to: string;
  country: string | undefined;
  prefix: string;
  ip: string | undefined;
  channel: MessageChannel;
  /** estimated cost of this message in micro-units (prices.ts) */
  costMicros: number;
  now: number;
}

export type UsageMetric = 'messages' | 'cost';
export type UsagePeriod = 'hour' | 'day' | 'month';

/** A counter a usage trigger watches: its metric and period, for the whole tenant or one country. */
export interface WatchedUsage {
  metric: UsageMetric;
  period: UsagePeriod;
  country: string | null;
}

export type TakeLabel =
  | { kind: 'user' }
  | { kind: 'backoff_level' }
  | { kind: 'backoff_gate'; delayMs: number }
  | { kind: 'velocity'; scope: VelocityScope }
  | { kind: 'usage'; metric: UsageMetric; period: UsagePeriod; country: string | null; limit: number | undefined; windowKey: string }
  | { kind: 'traffic'; of: 'prefix' | 'country' };

/** Exponential back-off between sends: 6 levels (1, 2, 4, 8, 16, 32 minutes), one level forgotten per 32 idle minutes. */
export const BACKOFF_LEVELS: BucketRule = { name: 'phone_backoff_level', burst: 6, refillEveryMs: 32 * 60_000 };
const BACKOFF_GATE_NAME = 'phone_backoff_gate';
const MINUTE = 60_000;

/** The wait before the next send at a given level (0: the first send waits for nothing); `jitter` in [0, 1) adds up to 20%. */
export function backoffDelayMs(level: number, jitter: number): number {
  if (level <= 0) return 0;
  const base = Math.min(32, 2 ** (level - 1)) * MINUTE;
  return Math.round(base * (1 + 0.2 * jitter));
}

/** The destination number as a counter key: hashed, so a limiter (Redis) holds no phone numbers. */
export const numberKey = (e164: string): string => createHash('sha256').update(e164).digest('base64url').slice(0, 22);

/** UTC windows: the hour, day and month a moment falls in, and when each ends. */
export function windowOf(period: UsagePeriod, now: number): { key: string; endsAt: number } {
  const d = new Date(now);
  const [y, m, day, h] = [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours()];
  const iso = d.toISOString();
  if (period === 'hour') return { key: iso.slice(0, 13), endsAt: Date.UTC(y, m, day, h + 1) };
  if (period === 'day') return { key: iso.slice(0, 10), endsAt: Date.UTC(y, m, day + 1) };
  return { key: iso.slice(0, 7), endsAt: Date.UTC(y, m + 1, 1) };
}

/** The slot of the pumping detector's traffic counters a moment falls in (slots of `minutes`, counted from the epoch). */
export const trafficSlot = (now: number, minutes: number): number => Math.floor(now / (minutes * MINUTE));

export const TRAFFIC = { sent: 'traffic_sent', verified: 'traffic_verified', countrySent: 'traffic_country' } as const;

export interface SendLimitsInput {
  settings: PhoneFraudSettings;
  userRule: BucketRule;
  /** phone provider protection: `exponential` adds the back-off, with the level read before (0–6) */
  backoff: { level: number; jitter: number } | undefined;
  watched: readonly WatchedUsage[];
  /** false: leave the pumping detector's traffic counters out (a message that costs nothing) */
  countTraffic: boolean;
}

export function sendLimits(facts: SendFacts, input: SendLimitsInput): { takes: LimitTake[]; labels: TakeLabel[] } {
  const { settings } = input;
  const takes: LimitTake[] = [];
  const labels: TakeLabel[] = [];
  const add = (take: LimitTake, label: TakeLabel) => {
    takes.push(take);
    labels.push(label);
  };
  const t = facts.tenantId;

  add({ kind: 'bucket', rule: input.userRule, key: `${t}:${facts.userId}` }, { kind: 'user' });

  if (input.backoff) {
    // The gate is a one-token bucket: it passes only when the previous send's wait is over (tat ≤ now), whatever that
    // wait was, and this send sets the wait before the next one: 1 minute after the first send, 2 after the second…
    const delayMs = backoffDelayMs(input.backoff.level + 1, input.backoff.jitter);
    add({ kind: 'bucket', rule: { name: BACKOFF_GATE_NAME, burst: 1, refillEveryMs: delayMs }, key: `${t}:${facts.userId}` }, { kind: 'backoff_gate', delayMs });
    add({ kind: 'bucket', rule: BACKOFF_LEVELS, key: `${t}:${facts.userId}` }, { kind: 'backoff_level' });
  }

  const velocityKeys: Record<VelocityScope, string | undefined> = {
    per_number: `${t}:${numberKey(facts.to)}`,
    per_ip: facts.ip ? `${t}:${facts.ip}` : undefined,
    per_country: `${t}:${facts.country ?? 'unknown'}`,
    per_prefix: `${t}:${facts.prefix}`,
    per_tenant: t,
  };
  for (const [scope, key] of Object.entries(velocityKeys) as Array<[VelocityScope, string | undefined]>) {
    const rule = settings.velocity[scope];
    if (!rule.enabled || key === undefined) continue;
    add({ kind: 'bucket', rule: { name: `velocity_${scope}`, burst: rule.max_attempts, refillEveryMs: rule.rate }, key }, { kind: 'velocity', scope });
  }

  // Usage counters: one per (metric, period, scope), with the budget cap as its limit when one is set.
  const usage = new Map<string, { metric: 'messages' | 'cost'; period: UsagePeriod; country: string | null; limit: number | undefined }>();
  const want = (metric: 'messages' | 'cost', period: UsagePeriod, country: string | null, limit: number | undefined) => {
    const id = `${metric}|${period}|${country ?? ''}`;
    const seen = usage.get(id);
    if (!seen) usage.set(id, { metric, period, country, limit });
    else if (limit !== undefined) seen.limit = seen.limit === undefined ? limit : Math.min(seen.limit, limit);
  };
  if (settings.budgets.enabled) {
    const capsOf = (country: string | null, caps: { daily: BudgetCap; monthly: BudgetCap }) => {
      for (const [period, cap] of [['day', caps.daily], ['month', caps.monthly]] as const) {
        if (cap.messages !== null) want('messages', period, country, cap.messages);
        if (cap.cost !== null) want('cost', period, country, Math.floor(cap.cost * 1_000_000));
      }
    };
    capsOf(null, settings.budgets.tenant);
    const countryCaps = facts.country !== undefined ? settings.budgets.countries[facts.country] : undefined;
    if (countryCaps) capsOf(facts.country!, countryCaps);
  }
  for (const w of input.watched) if (w.country === null || w.country === facts.country) want(w.metric, w.period, w.country, undefined);
  for (const u of usage.values()) {
    const window = windowOf(u.period, facts.now);
    const cost = u.metric === 'messages' ? 1 : facts.costMicros;
    add(
      { kind: 'counter', name: `usage_${u.metric}`, key: `${t}:${u.country ?? '*'}:${window.key}`, windowEndsAt: window.endsAt, cost, ...(u.limit !== undefined ? { limit: u.limit } : {}) },
      { kind: 'usage', metric: u.metric, period: u.period, country: u.country, limit: u.limit, windowKey: window.key },
    );
  }

  const pumping = settings.pumping_detection;
  if (pumping.enabled && input.countTraffic) {
    const slot = trafficSlot(facts.now, pumping.window_minutes);
    // kept for the whole baseline (plus one window), then forgotten
    const endsAt = (slot + 1) * pumping.window_minutes * MINUTE + pumping.baseline_hours * 3_600_000;
    add({ kind: 'counter', name: TRAFFIC.sent, key: `${t}:${facts.prefix}:${slot}`, windowEndsAt: endsAt, cost: 1 }, { kind: 'traffic', of: 'prefix' });
    add({ kind: 'counter', name: TRAFFIC.countrySent, key: `${t}:${facts.country ?? 'unknown'}:${slot}`, windowEndsAt: endsAt, cost: 1 }, { kind: 'traffic', of: 'country' });
  }
  return { takes, labels };
}
