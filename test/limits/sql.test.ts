import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { createSqlLimiter } from '../../src/limits/index.js';
import type { DatabaseHandle } from '../../src/store/database.js';
import { DIALECTS, openTestDatabase } from '../support/harness.js';

const MINUTE = 60_000;

describe.each(DIALECTS)('SQL rate limiter (%s)', (dialect) => {
  let database: { handle: DatabaseHandle; drop(): Promise<void> };
  beforeAll(async () => {
    database = await openTestDatabase(dialect);
  });
  afterAll(async () => {
    await database.drop();
  });
  const rows = async () => database.handle.db.selectFrom('rate_limit_buckets').selectAll().orderBy('key').execute();
  const limiterAt = (clock: ManualClock) => createSqlLimiter({ db: database.handle.db, dialect, clock });

  it('keeps its buckets in the database: a limiter opened again (a restart, another node) refuses the same takes', async () => {
    const clock = new ManualClock('2026-03-02T09:00:00.000Z');
    const rule = { name: 'durable', burst: 3, refillEveryMs: MINUTE };
    const first = limiterAt(clock);
    for (let i = 0; i < 3; i++) expect((await first.take(rule, 'tenant:user')).allowed).toBe(true);
    await first.close();
    await expect(first.take(rule, 'tenant:user')).rejects.toThrow('closed');

    const second = limiterAt(clock);
    expect(await second.take(rule, 'tenant:user')).toMatchObject({ allowed: false, retryAfterMs: MINUTE });
    expect(await rows()).toEqual([{ key: 'durable:tenant:user', tat: expect.anything() }]);
    expect(Number((await rows())[0]!.tat)).toBe(clock.now().getTime() + 3 * MINUTE);
    await second.reset(rule, 'tenant:user');
    expect(await rows()).toEqual([]);
  });

  it('a bucket refunded to full leaves no row', async () => {
    const clock = new ManualClock('2026-03-02T09:00:00.000Z');
    const limiter = limiterAt(clock);
    const rule = { name: 'refunded', burst: 5, refillEveryMs: MINUTE };
    await limiter.take(rule, 'k', 2);
    await limiter.refund(rule, 'k');
    expect(await rows()).toHaveLength(1);
    await limiter.refund(rule, 'k');
    expect(await rows()).toEqual([]);
  });

  it('sweeps rows whose bucket is full again (past a grace minute), a bounded batch at a time, and keeps the live ones', async () => {
    const clock = new ManualClock('2026-03-02T09:00:00.000Z');
    const limiter = limiterAt(clock);
    const rule = { name: 'sweep', burst: 5, refillEveryMs: 1000 };
    for (let i = 0; i < 700; i++) await limiter.take(rule, `old:${i}`);
    expect(await rows()).toHaveLength(700);
    clock.advance(61_001); // every one of them has been full again for over a minute
    await limiter.take(rule, 'live', 3);
    // the next sweep runs within 256 operations and deletes at most 500 rows
    for (let i = 0; i < 256; i++) await limiter.peek(rule, 'live');
    expect(await rows()).toHaveLength(201);
    for (let i = 0; i < 256; i++) await limiter.peek(rule, 'live');
    expect((await rows()).map((r) => r.key)).toEqual(['sweep:live']);
    expect((await limiter.peek(rule, 'live')).remaining).toBe(2);
    await limiter.reset(rule, 'live');
  });
});
