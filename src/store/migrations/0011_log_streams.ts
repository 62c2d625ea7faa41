import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * Auth0's log streams (`/api/v2/log-streams`):
 *
 * - `log_outbox`: one row per event, in the order the database assigns: `seq` is SQLite's AUTOINCREMENT rowid or a
 *   PostgreSQL identity, so every node appends to one sequence and every reader sees one order. The row is written by
 *   a trigger on `logs` — in the same statement as the event, so an event and its stream position commit together
 *   (or not at all), whatever code path writes the event, in one round trip. Rows of a multi-row insert get their
 *   positions in the order of the VALUES list. On PostgreSQL a position can commit after a larger one, and a rolled
 *   back insert leaves a hole: the reader (services/log-streams/outbox.ts) handles both.
 *   Existing events are copied in, in log_id order, so a stream may start from an older event.
 * - `log_streams`: the streams, with the durable delivery state (the cursor is the last delivered `seq`) and a
 *   `lease_until`/`lease_owner` pair: the node that claimed the stream (a conditional UPDATE) sends its next batch.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  if (postgres) {
    await sql`create table log_outbox (
      seq bigint generated always as identity primary key,
      log_id text not null,
      tenant_id text not null,
      created_at text not null
    )`.execute(db);
  } else {
    await sql`create table log_outbox (
      seq integer primary key autoincrement,
      log_id text not null,
      tenant_id text not null,
      created_at text not null
    )`.execute(db);
  }
  await db.schema.createIndex('log_outbox_log_id_idx').on('log_outbox').columns(['log_id']).execute();
  await db.schema.createIndex('log_outbox_created_idx').on('log_outbox').columns(['created_at']).execute();
  await sql`insert into log_outbox (log_id, tenant_id, created_at) select log_id, tenant_id, date from logs order by log_id`.execute(db);

  if (postgres) {
    await sql`create or replace function guardline_log_outbox() returns trigger language plpgsql as $$
      begin
        insert into log_outbox (log_id, tenant_id, created_at) values (NEW.log_id, NEW.tenant_id, NEW.date);
        return null;
      end $$`.execute(db);
    await sql`create trigger logs_outbox after insert on logs for each row execute function guardline_log_outbox()`.execute(db);
  } else {
    await sql`create trigger logs_outbox after insert on logs
      begin insert into log_outbox (log_id, tenant_id, created_at) values (NEW.log_id, NEW.tenant_id, NEW.date); end`.execute(db);
  }

  await db.schema
    .createTable('log_streams')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    /** JSON of the sink without its authorization */
    .addColumn('sink', 'text', (c) => c.notNull())
    /** sealed `httpAuthorization`, or null */
    .addColumn('authorization', 'text')
    .addColumn('filters', 'text')
    .addColumn('pii_config', 'text')
    .addColumn('is_priority', 'integer', (c) => c.notNull().defaultTo(0))
    /** the last `log_outbox.seq` the sink acknowledged (or skipped: another tenant's, filtered out) */
    .addColumn('cursor_seq', 'bigint', (c) => c.notNull())
    .addColumn('last_log_id', 'text')
    .addColumn('last_delivered_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('last_error_at', 'text')
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failing_since', 'text')
    .addColumn('suspended_reason', 'text')
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('lease_until', 'text')
    .addColumn('lease_owner', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('log_streams_tenant_idx').on('log_streams').columns(['tenant_id', 'id']).execute();
  await db.schema.createIndex('log_streams_due_idx').on('log_streams').columns(['status', 'next_attempt_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('log_streams').execute();
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`drop trigger if exists logs_outbox on logs`.execute(db);
    await sql`drop function if exists guardline_log_outbox()`.execute(db);
  } else {
    await sql`drop trigger if exists logs_outbox`.execute(db);
  }
  await db.schema.dropTable('log_outbox').execute();
}
