import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * 0004's config_version triggers for a configuration table added later: every insert, update or delete of a row
 * bumps its tenant's version (and, for an update that moves the row, the old tenant's too), so every node's cache
 * (services/config-cache.ts) sees the change with the next request. Used by the migrations from 0007 on; the table
 * needs a `tenant_id` column.
 */
export async function addTableVersionTriggers(db: Kysely<unknown>, table: string): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`create trigger ${sql.id(`${table}_config_version`)} after insert or update or delete on ${sql.table(table)}
      for each row execute function guardline_bump_config_version()`.execute(db);
    return;
  }
  const bump = (row: 'NEW' | 'OLD') => sql.raw(`update tenants set config_version = config_version + 1 where id = ${row}.tenant_id;`);
  await sql`create trigger ${sql.id(`${table}_config_version_insert`)} after insert on ${sql.table(table)} begin ${bump('NEW')} end`.execute(db);
  await sql`create trigger ${sql.id(`${table}_config_version_delete`)} after delete on ${sql.table(table)} begin ${bump('OLD')} end`.execute(db);
  await sql`create trigger ${sql.id(`${table}_config_version_update`)} after update on ${sql.table(table)}
    begin ${bump('NEW')} update tenants set config_version = config_version + 1 where id = OLD.tenant_id and OLD.tenant_id <> NEW.tenant_id; end`.execute(db);
}

export async function dropTableVersionTriggers(db: Kysely<unknown>, table: string): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`drop trigger if exists ${sql.id(`${table}_config_version`)} on ${sql.table(table)}`.execute(db);
    return;
  }
  for (const op of ['insert', 'delete', 'update']) await sql`drop trigger if exists ${sql.id(`${table}_config_version_${op}`)}`.execute(db);
}
