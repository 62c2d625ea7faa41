import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { prepared, preparedInsert } from '../../src/store/prepared.js';
import type { Database } from '../../src/store/schema.js';
import { DIALECTS, openTestDatabase } from '../support/harness.js';

/** Prepared queries run exactly the SQL Kysely compiles, with each call's values, on both dialects. */
describe.each(DIALECTS)('prepared queries (%s)', (dialect) => {
  let db: Kysely<Database>;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const opened = await openTestDatabase(dialect);
    db = opened.handle.db;
    drop = opened.drop;
  });
  afterAll(async () => drop?.());

  const row = (key: string, tat: number) => ({ key, tat });
  const insert = preparedInsert<{ key: string; tat: number }>('rate_limit_buckets', { key: true, tat: true });
  const byKey = prepared((q, key: string) => q.selectFrom('rate_limit_buckets').selectAll().where('key', '=', key));
  const between = prepared((q, low: number, high: number) =>
    q.selectFrom('rate_limit_buckets').select('key').where('tat', '>=', low).where('tat', '<=', high).where('key', 'like', 'p:%').orderBy('key'),
  );

  it('substitutes each call’s values and keeps constants of the build', async () => {
    for (const [key, tat] of [['p:a', 10], ['p:b', 20], ['p:c', 30]] as const) await insert(db, row(key, tat));
    expect((await byKey(db, 'p:b')).rows.map((r) => [r.key, Number(r.tat)])).toEqual([['p:b', 20]]);
    expect((await byKey(db, 'p:none')).rows).toEqual([]);
    expect((await between(db, 15, 30)).rows.map((r) => r.key)).toEqual(['p:b', 'p:c']);
    expect((await between(db, 0, 10)).rows.map((r) => r.key)).toEqual(['p:a']);
  });

  it('the SQL is the one Kysely compiles for the same build', () => {
    const compiled = db.selectFrom('rate_limit_buckets').selectAll().where('key', '=', 'x').compile();
    let seen = '';
    const spy = prepared((q, key: string) => {
      const query = q.selectFrom('rate_limit_buckets').selectAll().where('key', '=', key);
      seen = query.compile().sql;
      return query;
    });
    return spy(db, 'x').then(() => expect(seen).toBe(compiled.sql));
  });

  it('runs inside a transaction, and rolls back with it', async () => {
    await db.transaction().execute(async (trx) => {
      await insert(trx, row('p:tx', 1));
      expect((await byKey(trx, 'p:tx')).rows).toHaveLength(1);
    });
    await expect(
      db.transaction().execute(async (trx) => {
        await insert(trx, row('p:rolled-back', 1));
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect((await byKey(db, 'p:rolled-back')).rows).toEqual([]);
  });

  it('refuses a build that uses an argument in the query’s shape rather than as a value', async () => {
    const shaped = prepared((q, key: string) => q.selectFrom('rate_limit_buckets').selectAll().where('key', '=', `${key}:suffix`));
    await expect(shaped(db, 'p:a')).rejects.toThrow(/not used as a plain value/);
    const unused = prepared((q, _key: string) => q.selectFrom('rate_limit_buckets').selectAll().where('key', '=', 'constant'));
    await expect(unused(db, 'p:a')).rejects.toThrow(/argument 0 is not used as a plain value/);
  });
});
