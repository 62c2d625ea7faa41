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

/**
 * A fixed-window counter (budget caps, usage counts, traffic statistics): at most `limit` units from the first take
 * until `windowEndsAt`, then it starts again from zero (the caller puts the window in the key, e.g. the day). Without
 * a `limit` it only counts. Costs are integers (a cost in money is counted in micro-units).
 */
export interface CounterTake {
  kind: 'counter';
  /** the counter's family, as a bucket rule's name: non-empty, no ':' */
  name: string;
  key: string;
  /** epoch ms: when the window ends and the counter may be forgotten */
  windowEndsAt: number;
  cost: number;
  limit?: number;
}

export interface BucketTake {
  kind: 'bucket';
  rule: BucketRule;
  key: string;
  cost?: number;
}

export type LimitTake = BucketTake | CounterTake;

export interface CounterResult {
  allowed: boolean;
  /** units counted in the window after this take (before it, when refused) */
  used: number;
  resetAt: Date;
}

export type LimitResult = TakeResult | CounterResult;

/**
 * All of the takes, or none: when one bucket or counter would refuse, nothing is taken from any of them, so a refused
 * request does not use up the others. `refused` is the index of the first take that refused, `refusal` its state.
 */
export type TakeAllResult = { allowed: true; results: LimitResult[] } | { allowed: false; refused: number; refusal: LimitResult };

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
  /** Takes every bucket and counter atomically, all or none (see TakeAllResult); one round trip on Redis. */
  takeAll(takes: readonly LimitTake[]): Promise<TakeAllResult>;
  /** Gives back what `takeAll` took (tokens up to full, counter units down to zero): the send it paid for did not happen. */
  refundAll(takes: readonly LimitTake[]): Promise<void>;
  /** Current values of counters (0 for one never taken or whose window ended), in the order asked. */
  readCounters(counters: ReadonlyArray<{ name: string; key: string }>): Promise<number[]>;
  close(): Promise<void>;
}
