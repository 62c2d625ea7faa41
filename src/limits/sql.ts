import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Clock } from '../domain/clock.js';
import type { Dialect } from '../store/database.js';
import { prepared } from '../store/prepared.js';
import type { Database } from '../store/schema.js';
import { checkCost, checkRule, describe, view } from './gcra.js';
import type { BucketRule, RateLimiter } from './limiter.js';

/** Sweep expired rows once per this many operations of one limiter, at most SWEEP_ROWS rows at a time. */
const SWEEP_EVERY = 256;
const SWEEP_ROWS = 500;
/**
 * A row is swept only once it has been full again for this long: nodes sharing PostgreSQL may disagree on "now"
 * by some seconds, and a node whose clock runs ahead must not delete a bucket another node still counts.
 */
const SWEEP_GRACE_MS = 60_000;

/**
 * The durable back end: buckets live in the database's `rate_limit_buckets` (key, GCRA TAT), so the embedded mode
 * forgets nothing on a restart and PostgreSQL without Redis shares its buckets between nodes.
 *
 * A take is one statement, atomic on both databases without a transaction: an upsert whose `DO UPDATE … WHERE`
 * carries gcra.ts's `step` (a fresh key always fits, since a cost never exceeds burst; an existing one is
 * advanced only when the result stays within a full bucket). PostgreSQL evaluates that WHERE on the locked,
 * latest row version, so concurrent takes serialise on the row; SQLite runs each statement alone. A refusal
 * returns no row, and one more read gives the caller its retry time. "now" is the caller's clock, as in redis.ts.
 */
export function createSqlLimiter(options: { db: Kysely<Database>; dialect: Dialect; clock: Clock }): RateLimiter {
  const { db, clock } = options;
  // SQLite's two-argument max() is GREATEST elsewhere.
  const greatest = (a: RawBuilder<unknown>, b: number): RawBuilder<number> =>
    options.dialect === 'sqlite' ? sql<number>`max(${a}, ${b})` : sql<number>`greatest(${a}, ${b})`;
  const stored = sql.ref('rate_limit_buckets.tat');
  // Every limited step runs these two: compiled once (store/prepared.ts).
  const upsert = prepared((q, id: string, fresh: number, now: number, increment: number, highest: number) =>
    q
      .insertInto('rate_limit_buckets')
      .values({ key: id, tat: fresh })
      .onConflict((oc) =>
        oc
          .column('key')
          .doUpdateSet({ tat: sql<number>`${greatest(stored, now)} + ${increment}` })
          .where(greatest(stored, now), '<=', highest),
      )
      .returning('tat'),
  );
  const select = prepared((q, id: string) => q.selectFrom('rate_limit_buckets').select('tat').where('key', '=', id));
  const idOf = (rule: BucketRule, key: string) => `${rule.name}:${key}`;
  let opsSinceSweep = 0;
  let closed = false;

  async function begin(rule: BucketRule): Promise<number> {
    if (closed) throw new Error('rate limiter is closed');
    checkRule(rule);
    const now = clock.now().getTime();
    if (++opsSinceSweep >= SWEEP_EVERY) {
      opsSinceSweep = 0;
      await sweep(now);
    }
    return now;
  }

  // Bounded work: the oldest-expired rows first, through the tat index, a few hundred at most.
  async function sweep(now: number): Promise<void> {
    const expired = db
      .selectFrom('rate_limit_buckets')
      .select('key')
      .where('tat', '<=', now - SWEEP_GRACE_MS)
      .limit(SWEEP_ROWS);
    await db.deleteFrom('rate_limit_buckets').where('key', 'in', expired).execute();
  }

  /**
   * PostgreSQL: the bucket write commits without waiting for its WAL flush (`synchronous_commit off`, this
   * transaction only). A Guardline crash loses nothing (the commit reached the server); only a crash of the
   * PostgreSQL server itself can lose the last fraction of a second of takes, which is far cheaper than an fsync
   * on every take. SQLite in WAL mode with synchronous=NORMAL already commits without an fsync.
   */
  function write<T>(statement: (q: Kysely<Database>) => Promise<T>): Promise<T> {
    if (options.dialect !== 'postgres') return statement(db);
    return db.transaction().execute(async (trx) => {
      await sql`set local synchronous_commit to off`.execute(trx);
      return statement(trx);
    });
  }

  async function read(id: string): Promise<number | undefined> {
    const row = (await select(db, id)).rows[0];
    return row ? Number(row.tat) : undefined;
  }

  return {
    async take(rule, key, cost = 1) {
      const now = await begin(rule);
      checkCost(rule, cost);
      const id = idOf(rule, key);
      const increment = cost * rule.refillEveryMs;
      // allowed ⇔ max(tat, now) + cost·T − now ≤ burst·T
      const highest = now + (rule.burst - cost) * rule.refillEveryMs;
      const row = await write(async (q) => (await upsert(q, id, now + increment, now, increment, highest)).rows[0]);
      if (row) return describe(rule, now, Number(row.tat), true, cost);
      return describe(rule, now, Math.max((await read(id)) ?? now, now), false, cost);
    },
    async refund(rule, key) {
      const now = await begin(rule);
      const id = idOf(rule, key);
      const row = await db
        .updateTable('rate_limit_buckets')
        .set({ tat: greatest(sql`${stored} - ${rule.refillEveryMs}`, now) })
        .where('key', '=', id)
        .returning('tat')
        .executeTakeFirst();
      // Refunded to full: the row says nothing any more (the condition keeps a concurrent take's row).
      if (row && Number(row.tat) <= now) await db.deleteFrom('rate_limit_buckets').where('key', '=', id).where('tat', '<=', now).execute();
    },
    async reset(rule, key) {
      await begin(rule);
      await db.deleteFrom('rate_limit_buckets').where('key', '=', idOf(rule, key)).execute();
    },
    async peek(rule, key) {
      const now = await begin(rule);
      return view(rule, now, await read(idOf(rule, key)));
    },
    async peekAll(buckets) {
      if (buckets.length === 0) return [];
      let now = 0;
      for (const { rule } of buckets) now = await begin(rule);
      const ids = buckets.map(({ rule, key }) => idOf(rule, key));
      const rows = await db.selectFrom('rate_limit_buckets').select(['key', 'tat']).where('key', 'in', ids).execute();
      const tats = new Map(rows.map((r) => [r.key, Number(r.tat)]));
      return buckets.map(({ rule }, i) => view(rule, now, tats.get(ids[i]!)));
    },
    async close() {
      // The database handle belongs to the caller, who closes it after the limiter.
      closed = true;
    },
  };
}
