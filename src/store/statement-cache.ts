import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import type { SqliteDatabase as KyselySqliteDatabase } from 'kysely';

/** How many prepared statements one SQLite database keeps: the application's query shapes number in the low hundreds. */
export const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely's SQLite driver calls `db.prepare(sql)` for every query, and preparing was ~23 % of a challenge's CPU.
 * This hands the driver a database whose `prepare` reuses the statement already prepared for the same SQL text
 * (least recently used evicted beyond `size`). Safe because the driver runs a statement to completion
 * synchronously (`all` / `run`) before it asks for the next one; the one exception, a statement still iterating
 * (`streamQuery`), is `busy`, and then a fresh statement is prepared for the caller instead of reusing it.
 * SQLite re-prepares a statement by itself when the schema changes under it (sqlite3_prepare_v2), so a
 * migration does not leave a stale plan behind.
 */
export function cachingStatements(db: SqliteDatabase, size = STATEMENT_CACHE_SIZE): KyselySqliteDatabase {
  const cache = new Map<string, Statement>();
  return {
    close: () => {
      cache.clear();
      db.close();
    },
    prepare(sql: string) {
      const cached = cache.get(sql);
      if (cached) {
        if (cached.busy) return db.prepare(sql);
        // Map keeps insertion order: re-inserting marks it most recently used.
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = db.prepare(sql);
      cache.set(sql, statement);
      if (cache.size > size) cache.delete(cache.keys().next().value!);
      return statement;
    },
  };
}
