import type { Kysely } from 'kysely';
import type { Clock } from '../domain/clock.js';
import type { Dialect } from '../store/database.js';
import type { Database } from '../store/schema.js';
import type { RateLimiter } from './limiter.js';
import { createRedisLimiter } from './redis.js';
import { createSqlLimiter } from './sql.js';

export type { BucketRule, BucketTake, CounterResult, CounterTake, LimitResult, LimitTake, RateLimiter, TakeAllResult, TakeResult } from './limiter.js';
export { PHONE_LIMITS } from './rules.js';
export { CLIENT_AUTH_LIMITS, DELIVERY_LIMITS } from './rules.js';
export { createMemoryLimiter, type MemoryLimiter } from './memory.js';
export { createRedisLimiter } from './redis.js';
export { createSqlLimiter } from './sql.js';

/**
 * Redis when a URL is given (buckets shared by every process, no database write per take); otherwise the
 * database the data lives in (embedded SQLite, or PostgreSQL shared by every node), so limits survive restarts.
 * The in-process back end (memory.ts) is never chosen here: it forgets everything on a restart.
 */
export function createLimiter(options: { redisUrl?: string | undefined; redisKeyPrefix?: string; clock: Clock; db: Kysely<Database>; dialect: Dialect }): RateLimiter {
  return options.redisUrl
    ? createRedisLimiter({ url: options.redisUrl, clock: options.clock, ...(options.redisKeyPrefix ? { keyPrefix: options.redisKeyPrefix } : {}) })
    : createSqlLimiter(options);
}
