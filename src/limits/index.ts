import type { Clock } from '../domain/clock.js';
import type { RateLimiter } from './limiter.js';
import { createMemoryLimiter } from './memory.js';
import { createRedisLimiter } from './redis.js';

export type { BucketRule, RateLimiter, TakeResult } from './limiter.js';
export { PHONE_LIMITS } from './rules.js';
export { CLIENT_AUTH_LIMITS } from './rules.js';
export { createMemoryLimiter, type MemoryLimiter } from './memory.js';
export { createRedisLimiter } from './redis.js';

/** Redis when a URL is given (limits shared by every process), else in-process (one process only). */
export function createLimiter(options: { redisUrl?: string | undefined; clock: Clock }): RateLimiter {
  return options.redisUrl ? createRedisLimiter({ url: options.redisUrl, clock: options.clock }) : createMemoryLimiter(options.clock);
}
