import type { Clock } from '../domain/clock.js';
import { checkCost, checkRule, step, view, describe } from './gcra.js';
import { checkTakes, planTakes, storageId } from './plan.js';
import type { BucketRule, RateLimiter } from './limiter.js';

/** Sweep at least this many operations apart, so small maps are not rescanned on every call. */
const SWEEP_EVERY = 1024;

export interface MemoryLimiter extends RateLimiter {
  /** Buckets held in memory (only those not full again); for tests and metrics. */
  readonly size: number;
}

/**
 * The in-process back end, for unit tests only: every process has its own buckets and a restart forgets them,
 * so no running Guardline uses it (createLimiter picks Redis or the database). Each operation runs
 * synchronously, so it is atomic by construction.
 */
export function createMemoryLimiter(clock: Clock): MemoryLimiter {
  const tats = new Map<string, number>();
  const counters = new Map<string, { used: number; windowEndsAt: number }>();
  let opsSinceSweep = 0;
  let closed = false;

  // A full bucket is the same as no entry, so every entry whose TAT has passed can go. Sweeping once
  // per max(SWEEP_EVERY, size) operations keeps the cost O(1) amortised and the map bounded by the
  // buckets that are actually below full.
  function begin(rule: BucketRule): number {
    if (closed) throw new Error('rate limiter is closed');
    checkRule(rule);
    const now = clock.now().getTime();
    if (++opsSinceSweep >= Math.max(SWEEP_EVERY, tats.size)) {
      opsSinceSweep = 0;
      for (const [id, tat] of tats) if (tat <= now) tats.delete(id);
      for (const [id, counter] of counters) if (counter.windowEndsAt <= now) counters.delete(id);
    }
    return now;
  }

  function apply(rule: BucketRule, key: string, now: number, delta: number): { allowed: boolean; tat: number } {
    const id = `${rule.name}:${key}`;
    const result = step(rule, now, tats.get(id), delta);
    if (result.tat > now) tats.set(id, result.tat);
    else tats.delete(id);
    return result;
  }

  return {
    get size() {
      return tats.size;
    },
    async take(rule, key, cost = 1) {
      const now = begin(rule);
      checkCost(rule, cost);
      const { allowed, tat } = apply(rule, key, now, cost);
      return describe(rule, now, tat, allowed, cost);
    },
    async refund(rule, key) {
      apply(rule, key, begin(rule), -1);
    },
    async reset(rule, key) {
      begin(rule);
      tats.delete(`${rule.name}:${key}`);
    },
    async peek(rule, key) {
      const now = begin(rule);
      return view(rule, now, tats.get(`${rule.name}:${key}`));
    },
    async peekAll(buckets) {
      return buckets.map(({ rule, key }) => view(rule, begin(rule), tats.get(`${rule.name}:${key}`)));
    },
    async takeAll(takes) {
      checkTakes(takes);
      if (closed) throw new Error('rate limiter is closed');
      const now = clock.now().getTime();
      const counterAt = (id: string) => {
        const c = counters.get(id);
        return c && c.windowEndsAt > now ? c.used : undefined;
      };
      const plan = planTakes(takes, now, { bucket: (id) => tats.get(id), counter: counterAt });
      if (plan.result.allowed) {
        for (const [id, tat] of plan.buckets) tats.set(id, tat);
        for (const [id, counter] of plan.counters) counters.set(id, counter);
      }
      return plan.result;
    },
    async refundAll(takes) {
      checkTakes(takes);
      const now = clock.now().getTime();
      for (const take of takes) {
        if (take.kind === 'bucket') apply(take.rule, take.key, now, -(take.cost ?? 1));
        else {
          const id = storageId(take);
          const c = counters.get(id);
          if (c) c.used = Math.max(0, c.used - take.cost);
        }
      }
    },
    async readCounters(asked) {
      const now = clock.now().getTime();
      return asked.map(({ name, key }) => {
        const c = counters.get(`${name}:${key}`);
        return c && c.windowEndsAt > now ? c.used : 0;
      });
    },
    async close() {
      closed = true;
      tats.clear();
    },
  };
}
