import { DependencyUnavailableError } from '../errors/errors.js';
import type { BucketRule, RateLimiter } from '../limits/index.js';

/**
 * A circuit breaker per provider configuration, kept in the limiter (memory, the database or Redis: exact across
 * nodes, nothing new to share): a failure bucket per configuration, open while it is empty. Refill is the cool-down:
 * when a token is back, the next send probes the provider; a success fills the bucket again.
 *
 * The breaker fails open: when the limiter's back end is unreachable a provider is tried rather than skipped (the
 * user's send bucket, which fails closed, already stopped the send if that mattered).
 */
export interface CircuitBreaker {
  /** Whether `key` may be tried now; `full` says whether a success has anything to reset. */
  state(key: string): Promise<{ open: boolean; full: boolean }>;
  failed(key: string): Promise<void>;
  succeeded(key: string): Promise<void>;
}

export function createCircuitBreaker(limiter: RateLimiter, rule: BucketRule): CircuitBreaker {
  const tolerant = async <T>(work: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      if (err instanceof DependencyUnavailableError) return fallback;
      throw err;
    }
  };
  return {
    state: (key) =>
      tolerant(async () => {
        const bucket = await limiter.peek(rule, key);
        return { open: !bucket.allowed, full: bucket.remaining >= rule.burst };
      }, { open: false, full: true }),
    failed: (key) => tolerant(async () => void (await limiter.take(rule, key)), undefined),
    succeeded: (key) => tolerant(() => limiter.reset(rule, key), undefined),
  };
}
