import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../config/load.js';
import { migrationProvider } from './migrations/index.js';
import { cachingStatements } from './statement-cache.js';
import { failingAsUnavailable, type StatementObserver } from './unavailable.js';
import type { Database } from './schema.js';

export type Dialect = DatabaseConfig['dialect'];

/** How long a request waits for a PostgreSQL connection before it is answered 503. */
const CONNECT_TIMEOUT_MS = 2_000;

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: Dialect;
  destroy(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL only: the schema to use (tests isolate runs with a schema each). Created if missing. */
  schema?: string;
  /** Told every statement sent (tests count the statements of a request). */
  observe?: StatementObserver;
  /** SQLite only: reuse prepared statements (store/statement-cache.ts). Default on; off to measure what it saves. */
  statementCache?: boolean;
}

export async function openDatabase(config: DatabaseConfig, options: OpenDatabaseOptions = {}): Promise<DatabaseHandle> {
  if (config.dialect === 'sqlite') {
    if (config.file !== ':memory:') mkdirSync(path.dirname(config.file), { recursive: true });
    const sqlite = new SQLite(config.file);
    // WAL lets readers run beside the writer; NORMAL is durable across process crashes in WAL mode.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    const db = new Kysely<Database>({ dialect: failingAsUnavailable(new SqliteDialect({ database: options.statementCache === false ? sqlite : cachingStatements(sqlite) }), options.observe) });
    return { db, dialect: 'sqlite', destroy: () => db.destroy() };
  }

  if (options.schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(options.schema)) {
    throw new Error(`invalid schema name: ${options.schema}`);
  }
  if (options.schema) {
    const admin = new pg.Client({ connectionString: config.url });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: config.url,
    max: 10,
    // A server that is gone (or a network that drops packets) fails a request in seconds, not at the TCP timeout.
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    keepAlive: true,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  // A connection whose server went away emits 'error': the pool reports idle ones here (and drops them), but one
  // checked out by Kysely has no listener, and an unheard 'error' event crashes the process. Its query still fails
  // (that is what the caller sees); the pool drops the broken client on release. The next query opens a fresh
  // connection, which is how a restarted server is picked up without restarting Guardline.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: failingAsUnavailable(new PostgresDialect({ pool }), options.observe) });
  return { db, dialect: 'postgres', destroy: () => db.destroy() };
}

/**
 * The migrator for this database. On PostgreSQL its bookkeeping tables are pinned to the connection's current
 * schema: Kysely otherwise looks for them in every schema and, finding another schema's, skips creating its own.
 */
async function migratorFor(handle: DatabaseHandle): Promise<Migrator> {
  let migrationTableSchema: string | undefined;
  if (handle.dialect === 'postgres') {
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(handle.db);
    migrationTableSchema = rows[0]?.schema;
  }
  return new Migrator({ db: handle.db, provider: migrationProvider, ...(migrationTableSchema ? { migrationTableSchema } : {}) });
}

/** Applies every pending migration; returns the names applied. Throws with the failing migration's error. */
export async function migrateToLatest(handle: DatabaseHandle): Promise<string[]> {
  const { error, results } = await (await migratorFor(handle)).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${(error as Error).message ?? String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Names of the migrations not yet applied. */
export async function pendingMigrations(handle: DatabaseHandle): Promise<string[]> {
  const migrations = await (await migratorFor(handle)).getMigrations();
  return migrations.filter((m) => m.executedAt === undefined).map((m) => m.name);
}

/** Database errors that mean "a unique constraint was violated", on either dialect. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string } | undefined;
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
