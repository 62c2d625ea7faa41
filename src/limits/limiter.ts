/** A token bucket: holds at most `burst` tokens, starts full, gains one token every `refillEveryMs`. */
export interface BucketRule {
  name: string;
  burst: number;
  refillEveryMs: number;
}

export interface TakeResult {
  allowed: boolean;
  /** tokens left after this take (0 when refused) */
  remaining: number;
  /**
   * ms until at least one token is available again (0 when allowed and remaining > 0).
   * For a refused take with `cost` > 1: ms until `cost` tokens are available, i.e. until the same take would pass.
   */
  retryAfterMs: number;
  /** when the bucket will be full again */
  resetAt: Date;
}

export interface RateLimiter {
  /** Takes `cost` (default 1) tokens atomically, or none when fewer are available. */
  take(rule: BucketRule, key: string, cost?: number): Promise<TakeResult>;
  /** Gives one token back (never above burst): used when an attempt turned out not to count, e.g. a correct code. */
  refund(rule: BucketRule, key: string): Promise<void>;
  /** Fills the bucket again (forgets every take): used when a success ends a run of failures, e.g. a right password. */
  reset(rule: BucketRule, key: string): Promise<void>;
  /** Tokens available now without taking any. */
  peek(rule: BucketRule, key: string): Promise<TakeResult>;
  /** `peek` of several buckets in one round trip (one statement, one MGET): the results in the order asked. */
  peekAll(buckets: ReadonlyArray<{ rule: BucketRule; key: string }>): Promise<TakeResult[]>;
  close(): Promise<void>;
}
