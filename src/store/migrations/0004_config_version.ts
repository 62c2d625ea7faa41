import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * A per-tenant configuration version, bumped by the database itself (triggers) in the same transaction as every
 * write of what the nodes cache in process: signing keys, guardian factors and settings, clients, attack
 * protection. Every request reads the version with its tenant (one statement it runs anyway), and a node serves
 * a cached item only for the version it was loaded under (src/services/config-cache.ts), so a write on any node,
 * or by hand in SQL, is seen by the next request everywhere — a stale read cannot let a disabled factor, a
 * revoked key or a deleted client through.
 *
 * `guardian_settings.builtin_messages_sent` is left out: the built-in provider counts every message there, and it
 * is not configuration (the cap is enforced by an atomic update, never from a cache). A migration that adds a
 * configuration column to `guardian_settings` must add it to that trigger's column list.
 */

/** The tables whose writes bump their tenant's version, and the columns of an update that count (all when absent). */
const VERSIONED_TABLES: Array<{ table: string; updateColumns?: string[] }> = [
  { table: 'signing_keys' },
  { table: 'guardian_factors' },
  {
    table: 'guardian_settings',
    updateColumns: [
      'tenant_id',
      'mfa_policies',
      'phone_message_types',
      'phone_provider',
      'enrollment_template',
      'verification_template',
      'otp_length',
      'otp_lifetime_seconds',
      'twilio_sid',
      'twilio_from',
      'twilio_messaging_service_sid',
      'twilio_auth_token_sealed',
      'test_numbers',
    ],
  },
  { table: 'clients' },
  { table: 'attack_protection' },
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tenants').addColumn('config_version', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;

  if (postgres) {
    await sql`
      create function guardline_bump_config_version() returns trigger language plpgsql as $$
      begin
        update tenants set config_version = config_version + 1
          where id = (case when tg_op = 'DELETE' then old.tenant_id else new.tenant_id end);
        if tg_op = 'UPDATE' and old.tenant_id is distinct from new.tenant_id then
          update tenants set config_version = config_version + 1 where id = old.tenant_id;
        end if;
        return null;
      end $$`.execute(db);
    for (const { table, updateColumns } of VERSIONED_TABLES) {
      const events = updateColumns ? sql.raw(`insert or delete or update of ${updateColumns.join(', ')}`) : sql.raw('insert or update or delete');
      await sql`create trigger ${sql.id(`${table}_config_version`)} after ${events} on ${sql.table(table)}
        for each row execute function guardline_bump_config_version()`.execute(db);
    }
    return;
  }

  // SQLite has no trigger functions: three small triggers per table. `recursive_triggers` is off (the default),
  // and none of them writes a versioned table anyway.
  for (const { table, updateColumns } of VERSIONED_TABLES) {
    const bump = (row: 'NEW' | 'OLD') => sql.raw(`update tenants set config_version = config_version + 1 where id = ${row}.tenant_id;`);
    await sql`create trigger ${sql.id(`${table}_config_version_insert`)} after insert on ${sql.table(table)} begin ${bump('NEW')} end`.execute(db);
    await sql`create trigger ${sql.id(`${table}_config_version_delete`)} after delete on ${sql.table(table)} begin ${bump('OLD')} end`.execute(db);
    const of = updateColumns ? sql.raw(`of ${updateColumns.join(', ')} `) : sql.raw('');
    // Both rows: an update that moves a row to another tenant (none does today) changes both tenants' configuration.
    await sql`create trigger ${sql.id(`${table}_config_version_update`)} after update ${of}on ${sql.table(table)}
      begin ${bump('NEW')} update tenants set config_version = config_version + 1 where id = OLD.tenant_id and OLD.tenant_id <> NEW.tenant_id; end`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  for (const { table } of VERSIONED_TABLES) {
    if (postgres) await sql`drop trigger if exists ${sql.id(`${table}_config_version`)} on ${sql.table(table)}`.execute(db);
    else for (const op of ['insert', 'delete', 'update']) await sql`drop trigger if exists ${sql.id(`${table}_config_version_${op}`)}`.execute(db);
  }
  if (postgres) await sql`drop function if exists guardline_bump_config_version()`.execute(db);
  await db.schema.alterTable('tenants').dropColumn('config_version').execute();
}
