/**
 * `takeAll` as a pure function, for the back ends that hold their state in this process or read it first (memory,
 * and the SQL back end's refusal report): every take is checked against the state the earlier takes of the same call
 * left (one key may appear twice), and nothing is written unless every take passes. Redis runs the same plan in Lua
 * (redis.ts) and SQL as conditional upserts in one transaction (sql.ts).
 */
import { checkCost, checkRule, describe, step } from './gcra.js';
import type { CounterTake, LimitResult, LimitTake, TakeAllResult } from './limiter.js';

export function checkCounter(take: CounterTake): void {
  if (!take.name || take.name.includes(':')) throw new RangeError(`counter name must be non-empty without ':' (got ${JSON.stringify(take.name)})`);
  if (!Number.isSafeInteger(take.cost) || take.cost < 0) throw new RangeError(`counter ${take.name}: cost must be a non-negative integer (got ${take.cost})`);
  if (take.limit !== undefined && (!Number.isSafeInteger(take.limit) || take.limit < 0)) throw new RangeError(`counter ${take.name}: limit must be a non-negative integer`);
  if (!Number.isSafeInteger(take.windowEndsAt)) throw new RangeError(`counter ${take.name}: windowEndsAt must be epoch milliseconds`);
}

/** Validates every take before any IO: a malformed take is a caller's bug, thrown as RangeError. */
export function checkTakes(takes: readonly LimitTake[]): void {
  for (const take of takes) {
    if (take.kind === 'bucket') {
      checkRule(take.rule);
      checkCost(take.rule, take.cost ?? 1);
    } else checkCounter(take);
  }
}

/** The storage identity of a take: buckets and counters live in separate namespaces. */
export const storageId = (take: LimitTake): string => (take.kind === 'bucket' ? `${take.rule.name}:${take.key}` : `${take.name}:${take.key}`);

export interface Plan {
  result: TakeAllResult;
  /** the values to store when allowed, by namespace and id (the last value wins for a key taken twice) */
  buckets: Map<string, number>;
  counters: Map<string, { used: number; windowEndsAt: number }>;
}

export function planTakes(takes: readonly LimitTake[], now: number, stored: { bucket(id: string): number | undefined; counter(id: string): number | undefined }): Plan {
  const buckets = new Map<string, number>();
  const counters = new Map<string, { used: number; windowEndsAt: number }>();
  const results: LimitResult[] = [];
  let refused = -1;
  for (const [index, take] of takes.entries()) {
    const id = storageId(take);
    if (take.kind === 'bucket') {
      const cost = take.cost ?? 1;
      const { allowed, tat } = step(take.rule, now, buckets.has(id) ? buckets.get(id) : stored.bucket(id), cost);
      results.push(describe(take.rule, now, tat, allowed, cost));
      if (allowed) buckets.set(id, tat);
      else if (refused < 0) refused = index;
    } else {
      const used = counters.get(id)?.used ?? stored.counter(id) ?? 0;
      const allowed = take.limit === undefined || used + take.cost <= take.limit;
      results.push({ allowed, used: allowed ? used + take.cost : used, resetAt: new Date(take.windowEndsAt) });
      if (allowed) counters.set(id, { used: used + take.cost, windowEndsAt: take.windowEndsAt });
      else if (refused < 0) refused = index;
    }
    if (refused >= 0) break;
  }
  const result: TakeAllResult = refused < 0 ? { allowed: true, results } : { allowed: false, refused, refusal: results[refused]! };
  return { result, buckets, counters };
}
