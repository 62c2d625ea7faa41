/**
 * Run as a separate OS process by redis.test.ts: `TAKES` concurrent takes on one shared bucket at a
 * fixed "now", then prints how many were allowed. Env: LIMIT_REDIS_URL, LIMIT_PREFIX, LIMIT_NOW, TAKES.
 */
import { createRedisLimiter } from '../../src/limits/redis.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const now = new Date(Number(env('LIMIT_NOW')));
const limiter = createRedisLimiter({ url: env('LIMIT_REDIS_URL'), keyPrefix: env('LIMIT_PREFIX'), clock: { now: () => now } });
try {
  const rule = { name: 'shared', burst: 10, refillEveryMs: 60_000 };
  const results = await Promise.all(Array.from({ length: Number(env('TAKES')) }, () => limiter.take(rule, 'tenant:user')));
  process.stdout.write(`${JSON.stringify({ allowed: results.filter((r) => r.allowed).length })}\n`);
} finally {
  await limiter.close();
}
