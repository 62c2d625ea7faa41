import type { Kysely, Selectable } from 'kysely';
import type { ConnectionsTable, Database } from '../schema.js';

export type ConnectionRow = Selectable<ConnectionsTable>;

export function connectionRepository(db: Kysely<Database>) {
  return {
    findByName: (tenantId: string, name: string) =>
      db.selectFrom('connections').selectAll().where('tenant_id', '=', tenantId).where('name', '=', name).executeTakeFirst(),
    findById: (tenantId: string, id: string) =>
      db.selectFrom('connections').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst(),
    list: (tenantId: string) => db.selectFrom('connections').selectAll().where('tenant_id', '=', tenantId).orderBy('name').execute(),
    insert: (row: ConnectionRow) => db.insertInto('connections').values(row).execute(),
  };
}
