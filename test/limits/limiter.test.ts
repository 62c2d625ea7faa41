import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { createMemoryLimiter, createRedisLimiter, createSqlLimiter, PHONE_LIMITS, type BucketRule, type RateLimiter } from '../../src/limits/index.js';
import type { DatabaseHandle } from '../../src/store/database.js';
import { openTestDatabase } from '../support/harness.js';
import { TEST_REDIS_URL } from '../support/services.js';

const MINUTE = 60_000;
const rule: BucketRule = { name: 'test_bucket', burst: 3, refillEveryMs: MINUTE };

let admin: Redis;
beforeAll(() => {
  admin = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
});
afterAll(async () => {
  await admin.quit();
});

async function deleteKeys(prefix: string): Promise<void> {
  const keys = await admin.keys(`${prefix}*`);
  if (keys.length > 0) await admin.del(...keys);
}

// One database per dialect for the whole file; each test empties the table (the SQL back end keeps no state of its own).
const databases: Partial<Record<'sqlite' | 'postgres', { handle: DatabaseHandle; drop(): Promise<void> }>> = {};
beforeAll(async () => {
  databases.sqlite = await openTestDatabase('sqlite');
  databases.postgres = await openTestDatabase('postgres');
});
afterAll(async () => {
  await databases.sqlite?.drop();
  await databases.postgres?.drop();
});
const sqlBackend = (dialect: 'sqlite' | 'postgres') => ({
  name: `sql (${dialect})`,
  make: (clock: ManualClock) => {
    const { handle } = databases[dialect]!;
    return { limiter: createSqlLimiter({ db: handle.db, dialect, clock }), cleanup: async () => void (await handle.db.deleteFrom('rate_limit_buckets').execute()) };
  },
});

const backends = [
  { name: 'memory', make: (clock: ManualClock) => ({ limiter: createMemoryLimiter(clock), cleanup: async () => {} }) },
  {
    name: 'redis',
    make: (clock: ManualClock) => {
      const keyPrefix = `test:limits:${randomUUID()}:`;
      return { limiter: createRedisLimiter({ url: TEST_REDIS_URL, clock, keyPrefix }), cleanup: () => deleteKeys(keyPrefix) };
    },
  },
  sqlBackend('sqlite'),
  sqlBackend('postgres'),
];

describe.each(backends)('rate limiter, $name back end', ({ make }) => {
  let clock: ManualClock;
  let limiter: RateLimiter;
  let cleanup: () => Promise<void>;

  beforeEach(() => {
    clock = new ManualClock();
    ({ limiter, cleanup } = make(clock));
  });
  afterEach(async () => {
    await cleanup();
    await limiter.close();
  });

  const takes = async (n: number, r: BucketRule = rule, key = 'tenant:user'): Promise<boolean[]> => {
    const allowed: boolean[] = [];
    for (let i = 0; i < n; i++) allowed.push((await limiter.take(r, key)).allowed);
    return allowed;
  };

  it('a fresh bucket allows exactly burst takes, then refuses until one token is back', async () => {
    const start = clock.now().getTime();
    expect(await limiter.take(rule, 'k')).toEqual({ allowed: true, remaining: 2, retryAfterMs: 0, resetAt: new Date(start + MINUTE) });
    expect(await limiter.take(rule, 'k')).toEqual({ allowed: true, remaining: 1, retryAfterMs: 0, resetAt: new Date(start + 2 * MINUTE) });
    expect(await limiter.take(rule, 'k')).toEqual({ allowed: true, remaining: 0, retryAfterMs: MINUTE, resetAt: new Date(start + 3 * MINUTE) });
    expect(await limiter.take(rule, 'k')).toEqual({ allowed: false, remaining: 0, retryAfterMs: MINUTE, resetAt: new Date(start + 3 * MINUTE) });
    clock.advance(15_000);
    expect(await limiter.take(rule, 'k')).toEqual({ allowed: false, remaining: 0, retryAfterMs: 45_000, resetAt: new Date(start + 3 * MINUTE) });
  });

  it('refills one token per refillEveryMs, never above burst, and partial time gives nothing extra', async () => {
    expect(await takes(4)).toEqual([true, true, true, false]);
    clock.advance(MINUTE - 1);
    expect(await limiter.take(rule, 'tenant:user')).toMatchObject({ allowed: false, retryAfterMs: 1 });
    clock.advance(1);
    expect(await takes(2)).toEqual([true, false]);

    // half a period is kept, not lost and not rounded up
    clock.advance(1.5 * MINUTE);
    expect(await takes(2)).toEqual([true, false]);
    clock.advance(0.5 * MINUTE);
    expect(await takes(2)).toEqual([true, false]);

    // long idle: full again, but never more than burst
    clock.advance(100 * MINUTE);
    expect(await limiter.peek(rule, 'tenant:user')).toMatchObject({ allowed: true, remaining: 3, retryAfterMs: 0 });
    expect(await takes(4)).toEqual([true, true, true, false]);
    clock.advance(3 * MINUTE);
    expect(await limiter.peek(rule, 'tenant:user')).toMatchObject({ remaining: 3, resetAt: clock.now() });
  });

  it('refund gives one token back, never above burst', async () => {
    await takes(2);
    await limiter.refund(rule, 'tenant:user');
    expect((await limiter.peek(rule, 'tenant:user')).remaining).toBe(2);
    await limiter.refund(rule, 'tenant:user');
    await limiter.refund(rule, 'tenant:user');
    await limiter.refund(rule, 'tenant:user');
    expect((await limiter.peek(rule, 'tenant:user')).remaining).toBe(3);
    expect(await takes(4)).toEqual([true, true, true, false]);
    await limiter.refund(rule, 'tenant:user');
    expect(await takes(2)).toEqual([true, false]);
  });

  it('reset fills one bucket again and leaves the others as they were', async () => {
    await takes(3);
    await takes(2, rule, 'tenant:other');
    await limiter.reset(rule, 'tenant:user');
    expect(await limiter.peek(rule, 'tenant:user')).toMatchObject({ allowed: true, remaining: 3, retryAfterMs: 0 });
    expect((await limiter.peek(rule, 'tenant:other')).remaining).toBe(1);
    await limiter.reset(rule, 'tenant:never-used');
    expect(await takes(4)).toEqual([true, true, true, false]);
  });

  it('peek does not consume', async () => {
    for (let i = 0; i < 5; i++) expect(await limiter.peek(rule, 'tenant:user')).toMatchObject({ allowed: true, remaining: 3, retryAfterMs: 0 });
    await takes(3);
    clock.advance(10_000);
    for (let i = 0; i < 2; i++) {
      expect(await limiter.peek(rule, 'tenant:user')).toMatchObject({ allowed: false, remaining: 0, retryAfterMs: 50_000 });
    }
    clock.advance(50_000);
    expect(await takes(2)).toEqual([true, false]);
  });

  it('peekAll reads several buckets at once, each as peek would, in the order asked', async () => {
    const other: BucketRule = { name: 'other', burst: 2, refillEveryMs: MINUTE };
    await takes(3);
    await limiter.take(other, 'tenant:user');
    const asked = [
      { rule: other, key: 'tenant:user' },
      { rule, key: 'tenant:user' },
      { rule, key: 'tenant:never-used' },
    ];
    const all = await limiter.peekAll(asked);
    expect(all).toEqual(await Promise.all(asked.map((b) => limiter.peek(b.rule, b.key))));
    expect(all.map((t) => [t.allowed, t.remaining])).toEqual([[true, 1], [false, 0], [true, 3]]);
    expect(await limiter.peekAll([])).toEqual([]);
    expect(await takes(1)).toEqual([false]); // peeking took nothing
  });

  it('takes a cost of several tokens at once, or none', async () => {
    const wide: BucketRule = { name: 'wide', burst: 10, refillEveryMs: MINUTE };
    expect(await limiter.take(wide, 'k', 4)).toMatchObject({ allowed: true, remaining: 6 });
    expect(await limiter.take(wide, 'k', 4)).toMatchObject({ allowed: true, remaining: 2 });
    // 2 left: a take of 4 is refused whole and waits for 2 more tokens
    expect(await limiter.take(wide, 'k', 4)).toMatchObject({ allowed: false, remaining: 0, retryAfterMs: 2 * MINUTE });
    expect(await limiter.take(wide, 'k', 2)).toMatchObject({ allowed: true, remaining: 0, retryAfterMs: MINUTE });
    await expect(limiter.take(wide, 'k', 0)).rejects.toThrow(RangeError);
    await expect(limiter.take(wide, 'k', 1.5)).rejects.toThrow(RangeError);
    await expect(limiter.take(wide, 'k', 11)).rejects.toThrow(RangeError);
  });

  it("Auth0's numbers: 10 sends, then one per hour; 10 wrong codes, then one per 6 minutes", async () => {
    expect(await takes(11, PHONE_LIMITS.sends)).toEqual([...Array<boolean>(10).fill(true), false]);
    expect(await limiter.peek(PHONE_LIMITS.sends, 'tenant:user')).toMatchObject({ retryAfterMs: 3_600_000 });
    expect(await takes(11, PHONE_LIMITS.wrongCodes)).toEqual([...Array<boolean>(10).fill(true), false]);
    clock.advance(6 * MINUTE);
    expect(await takes(2, PHONE_LIMITS.wrongCodes)).toEqual([true, false]);
    expect(await takes(1, PHONE_LIMITS.sends)).toEqual([false]);
    clock.advance(54 * MINUTE);
    expect(await takes(2, PHONE_LIMITS.sends)).toEqual([true, false]);
    expect(await takes(13, PHONE_LIMITS.oobExchange, 'tenant:mfa_txn')).toEqual([...Array<boolean>(12).fill(true), false]);
  });

  it('50 concurrent takes on one key allow exactly burst', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, () => limiter.take(PHONE_LIMITS.sends, 'tenant:user')));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    expect(results.map((r) => r.remaining).sort((a, b) => a - b)).toEqual([...Array<number>(41).fill(0), 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('keys are independent, and so are rules with the same key but different names', async () => {
    expect(await takes(4, rule, 'tenant:a')).toEqual([true, true, true, false]);
    expect(await takes(4, rule, 'tenant:b')).toEqual([true, true, true, false]);
    expect(await takes(4, { ...rule, name: 'other_bucket' }, 'tenant:a')).toEqual([true, true, true, false]);
  });

  it('rejects a malformed rule', async () => {
    await expect(limiter.take({ name: 'a:b', burst: 1, refillEveryMs: 1 }, 'k')).rejects.toThrow(RangeError);
    await expect(limiter.peek({ name: 'x', burst: 0, refillEveryMs: 1 }, 'k')).rejects.toThrow(RangeError);
    await expect(limiter.refund({ name: 'x', burst: 1, refillEveryMs: 0.5 }, 'k')).rejects.toThrow(RangeError);
  });
});
