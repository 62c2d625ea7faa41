import { Redis } from 'ioredis';
import type { Clock } from '../domain/clock.js';
import { DependencyUnavailableError } from '../errors/errors.js';
import { checkCost, checkRule, describe, view } from './gcra.js';
import type { BucketRule, LimitResult, LimitTake, RateLimiter } from './limiter.js';
import { checkTakes } from './plan.js';

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

/**
 * `takeAll` (plan.ts) in Lua: every take is checked against what the earlier ones of the call left (a key may appear
 * twice), and only when all pass is anything written, so the refusal of one leaves every other bucket and counter as
 * it was. KEYS: one per take. ARGV[1] now; then four per take: kind (b|c), cost, refillEveryMs|limit (-1: none),
 * burst|windowEndsAt (a counter expires windowEndsAt − now from now: the caller's clock, as for buckets). Returns {1, value…} (each take's new TAT or count) or {0, index (1-based), value}.
 */
const TAKE_ALL_LUA = `
local now = tonumber(ARGV[1])
local pending = {}
local values = {}
for i = 1, #KEYS do
  local kind = ARGV[2 + (i - 1) * 4]
  local cost = tonumber(ARGV[3 + (i - 1) * 4])
  local a = tonumber(ARGV[4 + (i - 1) * 4])
  local b = tonumber(ARGV[5 + (i - 1) * 4])
  local current = pending[KEYS[i]]
  if current == nil then
    local stored = redis.call('GET', KEYS[i])
    if kind == 'b' then
      current = tonumber(stored)
    elseif stored then
      -- a counter is stored as "used/windowEndsAt": past its end (by the caller's clock) it counts nothing
      local used, ends = string.match(stored, '^(%d+)/(%d+)$')
      if used and tonumber(ends) > now then current = tonumber(used) end
    end
  end
  if kind == 'b' then
    local tat = current or now
    if tat < now then tat = now end
    local nexttat = tat + cost * a
    if nexttat - now > b * a then return {0, i, tat} end
    pending[KEYS[i]] = nexttat
  else
    local used = current or 0
    if a >= 0 and used + cost > a then return {0, i, used} end
    pending[KEYS[i]] = used + cost
  end
  values[i] = pending[KEYS[i]]
end
for i = 1, #KEYS do
  local kind = ARGV[2 + (i - 1) * 4]
  local value = pending[KEYS[i]]
  if kind == 'b' then
    if value > now then
      redis.call('SET', KEYS[i], string.format('%d', value), 'PX', string.format('%d', value - now))
    else
      redis.call('DEL', KEYS[i])
    end
  else
    local ttl = tonumber(ARGV[5 + (i - 1) * 4]) - now
    if ttl < 1 then ttl = 1 end
    redis.call('SET', KEYS[i], string.format('%d/%s', value, ARGV[5 + (i - 1) * 4]), 'PX', string.format('%d', ttl))
  end
end
local out = {1}
for i = 1, #values do out[i + 1] = values[i] end
return out
`;

/** Gives counter units back, never below zero, keeping the key's expiry. KEYS[1] counter; ARGV[1] units. */
const COUNTER_REFUND_LUA = `
local stored = redis.call('GET', KEYS[1])
if not stored then return 0 end
local used, ends = string.match(stored, '^(%d+)/(%d+)$')
if not used then return 0 end
local left = tonumber(used) - tonumber(ARGV[1])
if left < 0 then left = 0 end
redis.call('SET', KEYS[1], string.format('%d/%s', left, ends), 'KEEPTTL')
return left
`;

type GcraClient = Redis & {
  guardlineGcra(key: string, now: number, delta: number, refillEveryMs: number, burst: number): Promise<[number, number]>;
  guardlineTakeAll(...args: Array<string | number>): Promise<number[]>;
  guardlineCounterRefund(key: string, units: number): Promise<number>;
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
  redis.defineCommand('guardlineTakeAll', { lua: TAKE_ALL_LUA });
  redis.defineCommand('guardlineCounterRefund', { numberOfKeys: 1, lua: COUNTER_REFUND_LUA });

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
  // A bucket rule's name is never empty, so `<prefix>:` starts no bucket key: counters live apart.
  const counterKeyOf = (name: string, key: string): string => `${keyPrefix}:${name}:${key}`;
  const storageKey = (take: LimitTake): string => (take.kind === 'bucket' ? keyOf(take.rule, take.key) : counterKeyOf(take.name, take.key));

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
    async takeAll(takes) {
      checkTakes(takes);
      if (takes.length === 0) return { allowed: true, results: [] };
      const now = clock.now().getTime();
      const args: Array<string | number> = [takes.length, ...takes.map(storageKey), now];
      for (const take of takes) {
        if (take.kind === 'bucket') args.push('b', take.cost ?? 1, take.rule.refillEveryMs, take.rule.burst);
        else args.push('c', take.cost, take.limit ?? -1, take.windowEndsAt);
      }
      const reply = await call(() => redis.guardlineTakeAll(...args));
      if (reply[0] === 0) {
        const index = reply[1]! - 1;
        const take = takes[index]!;
        const value = reply[2]!;
        const result: LimitResult =
          take.kind === 'bucket' ? describe(take.rule, now, value, false, take.cost ?? 1) : { allowed: false, used: value, resetAt: new Date(take.windowEndsAt) };
        return { allowed: false, refused: index, refusal: result };
      }
      const results = takes.map((take, i): LimitResult => {
        const value = reply[i + 1]!;
        return take.kind === 'bucket' ? describe(take.rule, now, value, true, take.cost ?? 1) : { allowed: true, used: value, resetAt: new Date(take.windowEndsAt) };
      });
      return { allowed: true, results };
    },
    async refundAll(takes) {
      checkTakes(takes);
      const now = clock.now().getTime();
      await Promise.all(
        takes.map((take) =>
          take.kind === 'bucket'
            ? call(() => redis.guardlineGcra(keyOf(take.rule, take.key), now, -(take.cost ?? 1), take.rule.refillEveryMs, take.rule.burst))
            : call(() => redis.guardlineCounterRefund(counterKeyOf(take.name, take.key), take.cost)),
        ),
      );
    },
    async readCounters(asked) {
      if (asked.length === 0) return [];
      const now = clock.now().getTime();
      const stored = await call(() => redis.mget(asked.map(({ name, key }) => counterKeyOf(name, key))));
      return stored.map((v) => {
        const match = v ? /^(\d+)\/(\d+)$/.exec(v) : null;
        return match && Number(match[2]) > now ? Number(match[1]) : 0;
      });
    },
    async close() {
      // quit waits for pending replies; when the connection is already gone, just stop reconnecting
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
