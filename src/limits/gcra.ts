/**
 * GCRA, the token bucket stored as one number per key: the "theoretical arrival time" (TAT), the
 * moment the bucket is full again. No entry (or a TAT in the past) means full. One token is worth
 * `refillEveryMs` of TAT, so the bucket holds `floor((now + burst·T − TAT) / T)` tokens.
 *
 * `step` is the whole read-modify-write; each back end runs it as one atomic unit (the Redis
 * back end runs a line-for-line Lua copy, see redis.ts). All values are integer milliseconds.
 */
import type { BucketRule, TakeResult } from './limiter.js';

export function checkRule(rule: BucketRule): void {
  if (!rule.name || rule.name.includes(':')) throw new RangeError(`rate limit rule name must be non-empty without ':' (got ${JSON.stringify(rule.name)})`);
  if (!Number.isSafeInteger(rule.burst) || rule.burst < 1) throw new RangeError(`rule ${rule.name}: burst must be a positive integer`);
  if (!Number.isSafeInteger(rule.refillEveryMs) || rule.refillEveryMs < 1) throw new RangeError(`rule ${rule.name}: refillEveryMs must be a positive integer`);
}

/** A cost above burst could never pass: that is a caller's bug, not a refusal. */
export function checkCost(rule: BucketRule, cost: number): void {
  if (!Number.isSafeInteger(cost) || cost < 1 || cost > rule.burst) throw new RangeError(`rule ${rule.name}: cost must be an integer from 1 to ${rule.burst} (got ${cost})`);
}

/**
 * Takes `delta` tokens (a negative delta gives tokens back). Refuses, leaving the TAT as it was,
 * when that would put the TAT more than a full bucket ahead of now; a refund stops at now (= full).
 */
export function step(rule: BucketRule, now: number, stored: number | undefined, delta: number): { allowed: boolean; tat: number } {
  const tat = Math.max(stored ?? now, now);
  const next = Math.max(tat + delta * rule.refillEveryMs, now);
  if (next - now > rule.burst * rule.refillEveryMs) return { allowed: false, tat };
  return { allowed: true, tat: next };
}

function available(rule: BucketRule, now: number, tat: number): number {
  return Math.floor((now + rule.burst * rule.refillEveryMs - Math.max(tat, now)) / rule.refillEveryMs);
}

/** The caller's view of a bucket whose TAT is `tat`, after a take of `cost` that was `allowed` or not. */
export function describe(rule: BucketRule, now: number, tat: number, allowed: boolean, cost: number): TakeResult {
  const full = Math.max(tat, now);
  const remaining = allowed ? available(rule, now, tat) : 0;
  const wanted = allowed ? 1 : cost;
  // the moment `wanted` tokens are back: the TAT minus what a bucket holding `wanted` tokens still lacks
  const retryAfterMs = remaining > 0 ? 0 : Math.max(0, full - (rule.burst - wanted) * rule.refillEveryMs - now);
  return { allowed, remaining, retryAfterMs, resetAt: new Date(full) };
}

/** A peek is a take of one that consumes nothing. */
export function view(rule: BucketRule, now: number, stored: number | undefined): TakeResult {
  const tat = stored ?? now;
  return describe(rule, now, tat, available(rule, now, tat) >= 1, 1);
}
