import { Redis } from 'ioredis';
import type { Clock } from '../domain/clock.js';
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

/** Bounds a command to a Redis that accepts connections but does not answer (paused, overloaded). */
const COMMAND_TIMEOUT_MS = 5_000;

/** The shared back end: every Guardline process pointed at the same Redis shares every bucket. Owns its connection. */
export function createRedisLimiter(options: { url: string; clock: Clock; keyPrefix?: string }): RateLimiter {
  const { clock, keyPrefix = 'guardline:limit:' } = options;
  // maxRetriesPerRequest 1: while Redis is down a command waits for one reconnect, then rejects
  // (the caller answers with an error) instead of queueing forever.
  const redis = new Redis(options.url, {
    lazyConnect: false,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    commandTimeout: COMMAND_TIMEOUT_MS,
  }) as GcraClient;
  // Failures reach callers as rejected commands; without a listener ioredis would also print each one.
  redis.on('error', () => {});
  redis.defineCommand('guardlineGcra', { numberOfKeys: 1, lua: GCRA_LUA });

  const keyOf = (rule: BucketRule, key: string): string => `${keyPrefix}${rule.name}:${key}`;

  return {
    async take(rule, key, cost = 1) {
      checkRule(rule);
      checkCost(rule, cost);
      const now = clock.now().getTime();
      const [allowed, tat] = await redis.guardlineGcra(keyOf(rule, key), now, cost, rule.refillEveryMs, rule.burst);
      return describe(rule, now, tat, allowed === 1, cost);
    },
    async refund(rule, key) {
      checkRule(rule);
      await redis.guardlineGcra(keyOf(rule, key), clock.now().getTime(), -1, rule.refillEveryMs, rule.burst);
    },
    async reset(rule, key) {
      checkRule(rule);
      await redis.del(keyOf(rule, key));
    },
    async peek(rule, key) {
      checkRule(rule);
      const now = clock.now().getTime();
      const stored = await redis.get(keyOf(rule, key));
      return view(rule, now, stored === null ? undefined : Number(stored));
    },
    async close() {
      // quit waits for pending replies; when the connection is already gone, just stop reconnecting
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
