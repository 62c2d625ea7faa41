import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { createLimiter, createRedisLimiter, type RateLimiter } from '../../src/limits/index.js';
import { openTestDatabase } from '../support/harness.js';
import { TEST_REDIS_URL } from '../support/services.js';

const run = promisify(execFile);
const script = fileURLToPath(new URL('./take-concurrently.ts', import.meta.url));
const MINUTE = 60_000;

let admin: Redis;
const prefix = `test:limits:${randomUUID()}:`;
const opened: RateLimiter[] = [];
const open = (limiter: RateLimiter): RateLimiter => (opened.push(limiter), limiter);

beforeAll(() => {
  admin = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((l) => l.close()));
});
afterAll(async () => {
  const keys = await admin.keys(`${prefix}*`);
  if (keys.length > 0) await admin.del(...keys);
  await admin.quit();
});

describe('Redis rate limiter', () => {
  it('two OS processes sharing Redis share one bucket: exactly 10 of 20 concurrent takes pass', async () => {
    const env = { ...process.env, LIMIT_REDIS_URL: TEST_REDIS_URL, LIMIT_PREFIX: `${prefix}procs:`, LIMIT_NOW: String(Date.parse('2026-01-01T00:00:00Z')), TAKES: '10' };
    const children = [1, 2].map(() => run(process.execPath, ['--import', 'tsx', script], { env, timeout: 60_000 }));
    const outputs = await Promise.all(children);
    const allowed = outputs.map(({ stdout }) => (JSON.parse(stdout) as { allowed: number }).allowed);
    expect(allowed.reduce((a, b) => a + b, 0)).toBe(10);
  });

  it('keys expire when the bucket would be full again; a bucket refunded to full is deleted', async () => {
    const clock = new ManualClock();
    const limiter = open(createRedisLimiter({ url: TEST_REDIS_URL, clock, keyPrefix: `${prefix}ttl:` }));
    const rule = { name: 'ttl', burst: 10, refillEveryMs: MINUTE };
    for (let i = 0; i < 3; i++) await limiter.take(rule, 'tenant:user');
    expect(await admin.get(`${prefix}ttl:ttl:tenant:user`)).toBe(String(clock.now().getTime() + 3 * MINUTE));
    const ttl = await admin.pttl(`${prefix}ttl:ttl:tenant:user`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(3 * MINUTE);

    await limiter.take(rule, 'tenant:other');
    await limiter.refund(rule, 'tenant:other');
    expect(await admin.exists(`${prefix}ttl:ttl:tenant:other`)).toBe(0);
  });

  it('an unreachable Redis rejects the call instead of hanging', async () => {
    const limiter = open(createRedisLimiter({ url: 'redis://127.0.0.1:1', clock: new ManualClock() }));
    await expect(limiter.take({ name: 'x', burst: 1, refillEveryMs: 1000 }, 'k')).rejects.toThrow();
    await expect(limiter.peek({ name: 'x', burst: 1, refillEveryMs: 1000 }, 'k')).rejects.toThrow();
  });

  it('createLimiter shares buckets through Redis when given a URL, and keeps them in the database otherwise', async () => {
    const clock = new ManualClock();
    const rule = { name: 'choice', burst: 2, refillEveryMs: MINUTE };
    const key = `test:${randomUUID()}`;
    const database = await openTestDatabase('sqlite');
    try {
      const on = { clock, db: database.handle.db, dialect: database.handle.dialect };
      const [a, b] = [open(createLimiter({ ...on, redisUrl: TEST_REDIS_URL })), open(createLimiter({ ...on, redisUrl: TEST_REDIS_URL }))];
      expect((await a.take(rule, key)).allowed).toBe(true);
      expect((await b.take(rule, key)).allowed).toBe(true);
      expect((await a.take(rule, key)).allowed).toBe(false);
      await a.refund(rule, key);
      await a.refund(rule, key); // back to full: the default-prefix key is gone again
      expect(await database.handle.db.selectFrom('rate_limit_buckets').selectAll().execute()).toEqual([]);

      const [c, d] = [open(createLimiter(on)), open(createLimiter({ ...on, redisUrl: undefined }))];
      await c.take(rule, key, 2);
      expect((await d.take(rule, key)).allowed).toBe(false);
      expect(await database.handle.db.selectFrom('rate_limit_buckets').select('key').execute()).toEqual([{ key: `choice:${key}` }]);
    } finally {
      await database.drop();
    }
  });
});
