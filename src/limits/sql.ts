import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Clock } from '../domain/clock.js';
import type { Dialect } from '../store/database.js';
import { prepared } from '../store/prepared.js';
import type { Database } from '../store/schema.js';
import { checkCost, checkRule, describe, view } from './gcra.js';
import type { BucketRule, CounterTake, LimitResult, LimitTake, RateLimiter } from './limiter.js';
import { checkTakes, storageId } from './plan.js';

/** Thrown inside takeAll's transaction to roll it back: take `index` refused. */
class TakeRefused extends Error {
  constructor(readonly index: number) {
    super('refused');
  }
}

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
  const counted = sql.ref('limit_counters.used');
  // A counter's upsert, without and with its limit: compiled once each (store/prepared.ts), as the bucket's.
  const countUp = prepared((q, id: string, fresh: number, expiresAt: number, cost: number) =>
    q
      .insertInto('limit_counters')
      .values({ key: id, used: fresh, expires_at: expiresAt })
      .onConflict((oc) => oc.column('key').doUpdateSet({ used: sql<number>`${counted} + ${cost}` }))
      .returning('used'),
  );
  const countUpTo = prepared((q, id: string, fresh: number, expiresAt: number, cost: number, costAgain: number, limit: number) =>
    q
      .insertInto('limit_counters')
      .values({ key: id, used: fresh, expires_at: expiresAt })
      .onConflict((oc) => oc.column('key').doUpdateSet({ used: sql<number>`${counted} + ${cost}` }).where(sql<number>`${counted} + ${costAgain}`, '<=', limit))
      .returning('used'),
  );
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
    const ended = db.selectFrom('limit_counters').select('key').where('expires_at', '<=', now - SWEEP_GRACE_MS).limit(SWEEP_ROWS);
    await db.deleteFrom('limit_counters').where('key', 'in', ended).execute();
  }

  /** One take of takeAll inside its transaction: the new TAT or count, or undefined when it refuses. */
  async function takeOne(q: Kysely<Database>, take: LimitTake, now: number): Promise<number | undefined> {
    const id = storageId(take);
    if (take.kind === 'bucket') {
      const cost = take.cost ?? 1;
      const increment = cost * take.rule.refillEveryMs;
      const row = (await upsert(q, id, now + increment, now, increment, now + (take.rule.burst - cost) * take.rule.refillEveryMs)).rows[0];
      return row ? Number(row.tat) : undefined;
    }
    const result = take.limit === undefined ? await countUp(q, id, take.cost, take.windowEndsAt, take.cost) : await countUpTo(q, id, take.cost, take.windowEndsAt, take.cost, take.cost, take.limit);
    const row = result.rows[0];
    return row ? Number(row.used) : undefined;
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

  async function readCounters(asked: ReadonlyArray<{ name: string; key: string }>): Promise<number[]> {
    if (asked.length === 0) return [];
    const now = clock.now().getTime();
    const ids = asked.map(({ name, key }) => `${name}:${key}`);
    const rows = await db.selectFrom('limit_counters').select(['key', 'used']).where('key', 'in', ids).where('expires_at', '>', now).execute();
    const used = new Map(rows.map((r) => [r.key, Number(r.used)]));
    return ids.map((id) => used.get(id) ?? 0);
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
    async takeAll(takes) {
      checkTakes(takes);
      if (takes.length === 0) return { allowed: true, results: [] };
      let now = 0;
      for (const take of takes) now = await begin(take.kind === 'bucket' ? take.rule : { name: take.name, burst: 1, refillEveryMs: 1 });
      // A counter whose cost alone passes its limit refuses before anything is written.
      const hopeless = takes.findIndex((t) => t.kind === 'counter' && t.limit !== undefined && t.cost > t.limit);
      if (hopeless >= 0) return { allowed: false, refused: hopeless, refusal: { allowed: false, used: (await readCounters([takes[hopeless] as CounterTake]))[0]!, resetAt: new Date((takes[hopeless] as CounterTake).windowEndsAt) } };
      // Rows are locked in one order (buckets, then counters, by key), so two transactions never wait on each other.
      const order = takes.map((_, i) => i).sort((a, b) => {
        const [x, y] = [takes[a]!, takes[b]!];
        if (x.kind !== y.kind) return x.kind === 'bucket' ? -1 : 1;
        const [ix, iy] = [storageId(x), storageId(y)];
        return ix < iy ? -1 : ix > iy ? 1 : a - b;
      });
      const values = new Array<number>(takes.length);
      // One take is one statement, atomic by itself: no transaction around it (as `take`).
      const atomically = (body: (q: Kysely<Database>) => Promise<void>) =>
        takes.length === 1 ? write(body) : db.transaction().execute(async (trx) => {
          if (options.dialect === 'postgres') await sql`set local synchronous_commit to off`.execute(trx);
          await body(trx);
        });
      try {
        await atomically(async (trx) => {
          for (const i of order) {
            const value = await takeOne(trx, takes[i]!, now);
            if (value === undefined) throw new TakeRefused(i);
            values[i] = value;
          }
        });
      } catch (err) {
        if (!(err instanceof TakeRefused)) throw err;
        const take = takes[err.index]!;
        let result: LimitResult;
        if (take.kind === 'bucket') result = describe(take.rule, now, Math.max((await read(storageId(take))) ?? now, now), false, take.cost ?? 1);
        else result = { allowed: false, used: (await readCounters([take]))[0]!, resetAt: new Date(take.windowEndsAt) };
        return { allowed: false, refused: err.index, refusal: result };
      }
      const results = takes.map((take, i): LimitResult =>
        take.kind === 'bucket' ? describe(take.rule, now, values[i]!, true, take.cost ?? 1) : { allowed: true, used: values[i]!, resetAt: new Date(take.windowEndsAt) },
      );
      return { allowed: true, results };
    },
    async refundAll(takes) {
      checkTakes(takes);
      const now = clock.now().getTime();
      for (const take of takes) {
        const id = storageId(take);
        if (take.kind === 'bucket') {
          await db
            .updateTable('rate_limit_buckets')
            .set({ tat: greatest(sql`${stored} - ${(take.cost ?? 1) * take.rule.refillEveryMs}`, now) })
            .where('key', '=', id)
            .execute();
        } else {
          await db
            .updateTable('limit_counters')
            .set({ used: greatest(sql`${counted} - ${take.cost}`, 0) })
            .where('key', '=', id)
            .execute();
        }
      }
    },
    readCounters,
    async close() {
      // The database handle belongs to the caller, who closes it after the limiter.
      closed = true;
    },
  };
}
