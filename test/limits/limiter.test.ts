import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { createMemoryLimiter, createRedisLimiter, createSqlLimiter, PHONE_LIMITS, type BucketRule, type LimitTake, type RateLimiter } from '../../src/limits/index.js';
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
    return { limiter: createSqlLimiter({ db: handle.db, dialect, clock }), cleanup: async () => {
        await handle.db.deleteFrom('rate_limit_buckets').execute();
        await handle.db.deleteFrom('limit_counters').execute();
      } };
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

describe.each(backends)('takeAll, $name back end', ({ make }) => {
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

  const perNumber: BucketRule = { name: 'per_number', burst: 3, refillEveryMs: MINUTE };
  const perIp: BucketRule = { name: 'per_ip', burst: 5, refillEveryMs: MINUTE };
  const dayEnd = () => clock.now().getTime() + 24 * 60 * MINUTE;
  const send = (number: string, budget = 4, cost = 1): LimitTake[] => [
    { kind: 'bucket', rule: perNumber, key: number },
    { kind: 'bucket', rule: perIp, key: '198.51.100.7' },
    { kind: 'counter', name: 'budget_day', key: 'tenant:2026-12-02', windowEndsAt: dayEnd(), cost, limit: budget },
  ];

  it('takes every bucket and counter, or none: a refusal leaves the others untouched', async () => {
    const first = await limiter.takeAll(send('+81a'));
    expect(first.allowed).toBe(true);
    expect(first).toMatchObject({ results: [{ allowed: true, remaining: 2 }, { allowed: true, remaining: 4 }, { allowed: true, used: 1 }] });
    await limiter.takeAll(send('+81a'));
    await limiter.takeAll(send('+81a'));
    // the number's bucket is empty: refused at index 0, and neither the IP nor the budget paid for it
    const refused = await limiter.takeAll(send('+81a'));
    expect(refused).toMatchObject({ allowed: false, refused: 0 });
    expect(refused).toMatchObject({ refusal: { allowed: false, retryAfterMs: MINUTE } });
    expect((await limiter.peek(perIp, '198.51.100.7')).remaining).toBe(2);
    expect(await limiter.readCounters([{ name: 'budget_day', key: 'tenant:2026-12-02' }])).toEqual([3]);
    // another number: the budget (4) has one unit left, then refuses at index 2, leaving both buckets as they were
    expect((await limiter.takeAll(send('+81b'))).allowed).toBe(true);
    const over = await limiter.takeAll(send('+81c'));
    expect(over).toMatchObject({ allowed: false, refused: 2 });
    expect(over).toMatchObject({ refusal: { allowed: false, used: 4 } });
    expect((await limiter.peek(perNumber, '+81c')).remaining).toBe(3);
    expect((await limiter.peek(perIp, '198.51.100.7')).remaining).toBe(1);
  });

  it('a cost above what is left refuses whole; a counter without a limit only counts', async () => {
    expect((await limiter.takeAll(send('+81a', 10, 7))).allowed).toBe(true);
    expect(await limiter.takeAll(send('+81b', 10, 4))).toMatchObject({ allowed: false, refused: 2 });
    expect(await limiter.takeAll(send('+81b', 10, 11))).toMatchObject({ allowed: false, refused: 2 });
    const counted: LimitTake = { kind: 'counter', name: 'sent', key: 'JP', windowEndsAt: dayEnd(), cost: 1000 };
    for (let i = 0; i < 3; i++) await limiter.takeAll([counted]);
    expect(await limiter.readCounters([{ name: 'sent', key: 'JP' }, { name: 'sent', key: 'US' }])).toEqual([3000, 0]);
  });

  it('the same key twice in one call counts twice', async () => {
    const twice: LimitTake[] = [
      { kind: 'bucket', rule: perNumber, key: 'k', cost: 2 },
      { kind: 'bucket', rule: perNumber, key: 'k', cost: 2 },
    ];
    expect(await limiter.takeAll(twice)).toMatchObject({ allowed: false, refused: 1 });
    expect((await limiter.peek(perNumber, 'k')).remaining).toBe(3);
  });

  it('refundAll gives back what takeAll took', async () => {
    await limiter.takeAll(send('+81a'));
    await limiter.takeAll(send('+81a'));
    await limiter.refundAll(send('+81a'));
    expect((await limiter.peek(perNumber, '+81a')).remaining).toBe(2);
    expect((await limiter.peek(perIp, '198.51.100.7')).remaining).toBe(4);
    expect(await limiter.readCounters([{ name: 'budget_day', key: 'tenant:2026-12-02' }])).toEqual([1]);
    await limiter.refundAll(send('+81a'));
    await limiter.refundAll(send('+81a'));
    expect(await limiter.readCounters([{ name: 'budget_day', key: 'tenant:2026-12-02' }])).toEqual([0]);
    expect((await limiter.peek(perNumber, '+81a')).remaining).toBe(3);
  });

  it('a counter is forgotten when its window ends', async () => {
    const take: LimitTake = { kind: 'counter', name: 'hourly', key: 'h1', windowEndsAt: clock.now().getTime() + MINUTE, cost: 2, limit: 2 };
    expect((await limiter.takeAll([take])).allowed).toBe(true);
    expect((await limiter.takeAll([take])).allowed).toBe(false);
    clock.advance(MINUTE);
    expect(await limiter.readCounters([{ name: 'hourly', key: 'h1' }])).toEqual([0]);
  });

  it('50 concurrent takeAll calls: exactly the budget passes, and the bucket paid only for those', async () => {
    const wide: BucketRule = { name: 'wide', burst: 10, refillEveryMs: MINUTE };
    const takes: LimitTake[] = [
      { kind: 'counter', name: 'budget', key: 't', windowEndsAt: dayEnd(), cost: 1, limit: 7 },
      { kind: 'bucket', rule: wide, key: 'ip' },
    ];
    const results = await Promise.all(Array.from({ length: 50 }, () => limiter.takeAll(takes)));
    expect(results.filter((r) => r.allowed)).toHaveLength(7);
    expect((await limiter.peek(wide, 'ip')).remaining).toBe(3);
    expect(await limiter.readCounters([{ name: 'budget', key: 't' }])).toEqual([7]);
  });

  it('rejects malformed takes before any write', async () => {
    await expect(limiter.takeAll([{ kind: 'counter', name: 'a:b', key: 'k', windowEndsAt: 1, cost: 1 }])).rejects.toThrow(RangeError);
    await expect(limiter.takeAll([{ kind: 'counter', name: 'x', key: 'k', windowEndsAt: 1, cost: -1 }])).rejects.toThrow(RangeError);
    await expect(limiter.takeAll([{ kind: 'bucket', rule: perNumber, key: 'k', cost: 4 }])).rejects.toThrow(RangeError);
  });
});
