import { Redis } from 'ioredis';
import type { Clock } from '../domain/clock.js';
import { DependencyUnavailableError } from '../errors/errors.js';
import { checkCost, checkRule, describe, view } from './gcra.js';
import type { BucketRule, RateLimiter } from './limiter.js';

/**
 * `step` from gcra.ts in Lua, so read-check-write is one atomic step for every process sharing Redis.
 * "now" is an argument, never Redis TIME: the caller's clock decides, so tests can drive refill.
 * The key expires when the bucket is full again; a bucket refunded to full is deleted.
 * KEYS[1] bucket; ARGV now (ms), delta (tokens, negative = refund), refillEveryMs, burst.
 * Returns {allowed (1|0), tat}.
 */
const GCRA_LUA = `
local now = tonumber(ARGV[1])
local delta = tonumber(ARGV[2])
local interval = tonumber(ARGV[3])
local burst = tonumber(ARGV[4])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local nexttat = tat + delta * interval
if nexttat < now then nexttat = now end
if nexttat - now > burst * interval then return {0, tat} end
if nexttat > now then
  redis.call('SET', KEYS[1], string.format('%d', nexttat), 'PX', string.format('%d', nexttat - now))
else
  redis.call('DEL', KEYS[1])
end
return {1, nexttat}
`;

type GcraClient = Redis & {
  guardlineGcra(key: string, now: number, delta: number, refillEveryMs: number, burst: number): Promise<[number, number]>;
};

/**
 * Every call answers within this bound, also against a Redis that accepts connections but does not answer
 * (paused, overloaded): a GCRA step takes microseconds, so anything slower is an outage, and a request that
 * needs the limiter must fail closed in well under a second rather than hold its caller.
 */
const COMMAND_TIMEOUT_MS = 500;
/** Reconnect quickly and keep trying: the limiter recovers by itself within about a second of Redis returning. */
const RECONNECT_DELAY_MS = (attempt: number) => Math.min(attempt * 100, 1_000);

/** The shared back end: every Guardline process pointed at the same Redis shares every bucket. Owns its connection. */
export function createRedisLimiter(options: { url: string; clock: Clock; keyPrefix?: string }): RateLimiter {
  const { clock, keyPrefix = 'guardline:limit:' } = options;
  const redis = new Redis(options.url, {
    lazyConnect: false,
    // The queue only bridges the first connect (and a reconnect in progress); commandTimeout bounds every wait in it.
    enableOfflineQueue: true,
    // A command caught by a dropped connection fails at once instead of waiting for reconnects.
    maxRetriesPerRequest: 0,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: 2_000,
    retryStrategy: RECONNECT_DELAY_MS,
  }) as GcraClient;
  // Failures reach callers as rejected commands; without a listener ioredis would also print each one.
  redis.on('error', () => {});
  redis.defineCommand('guardlineGcra', { numberOfKeys: 1, lua: GCRA_LUA });

  /** Runs one command; any failure of Redis becomes DependencyUnavailableError, at once when Redis is known to be down. */
  async function call<T>(command: () => Promise<T>): Promise<T> {
    // Waiting between reconnect attempts: Redis was not there a moment ago, so do not queue behind it.
    if (redis.status === 'reconnecting' || redis.status === 'end' || redis.status === 'close') {
      throw new DependencyUnavailableError('redis', `Redis (rate limiter) is unreachable (connection ${redis.status})`);
    }
    try {
      return await command();
    } catch (err) {
      throw new DependencyUnavailableError('redis', `Redis (rate limiter) did not answer: ${(err as Error).message}`, { cause: err });
    }
  }

  const keyOf = (rule: BucketRule, key: string): string => `${keyPrefix}${rule.name}:${key}`;

  return {
    async take(rule, key, cost = 1) {
      checkRule(rule);
      checkCost(rule, cost);
      const now = clock.now().getTime();
      const [allowed, tat] = await call(() => redis.guardlineGcra(keyOf(rule, key), now, cost, rule.refillEveryMs, rule.burst));
      return describe(rule, now, tat, allowed === 1, cost);
    },
    async refund(rule, key) {
      checkRule(rule);
      await call(() => redis.guardlineGcra(keyOf(rule, key), clock.now().getTime(), -1, rule.refillEveryMs, rule.burst));
    },
    async reset(rule, key) {
      checkRule(rule);
      await call(() => redis.del(keyOf(rule, key)));
    },
    async peek(rule, key) {
      checkRule(rule);
      const now = clock.now().getTime();
      const stored = await call(() => redis.get(keyOf(rule, key)));
      return view(rule, now, stored === null ? undefined : Number(stored));
    },
    async peekAll(buckets) {
      if (buckets.length === 0) return [];
      for (const { rule } of buckets) checkRule(rule);
      const now = clock.now().getTime();
      const stored = await call(() => redis.mget(buckets.map(({ rule, key }) => keyOf(rule, key))));
      return buckets.map(({ rule }, i) => {
        const tat = stored[i];
        return view(rule, now, tat === null || tat === undefined ? undefined : Number(tat));
      });
    },
    async close() {
      // quit waits for pending replies; when the connection is already gone, just stop reconnecting
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
