import type { Kysely, Selectable } from 'kysely';
import type { ClientGrantsTable, Database } from '../schema.js';

export type ClientGrantRow = Selectable<ClientGrantsTable>;

export interface ClientGrantFilter {
  clientId?: string;
  audience?: string;
}

export function clientGrantRepository(db: Kysely<Database>) {
  const filtered = (tenantId: string, filter: ClientGrantFilter) => {
    let q = db.selectFrom('client_grants').selectAll().where('tenant_id', '=', tenantId);
    if (filter.clientId !== undefined) q = q.where('client_id', '=', filter.clientId);
    if (filter.audience !== undefined) q = q.where('audience', '=', filter.audience);
    return q;
  };
  return {
    find: (tenantId: string, id: string) =>
      db.selectFrom('client_grants').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst(),
    findFor: (tenantId: string, clientId: string, audience: string) =>
      filtered(tenantId, { clientId, audience }).executeTakeFirst(),
    list: (tenantId: string, filter: ClientGrantFilter, page: { offset: number; limit: number }) =>
      filtered(tenantId, filter).orderBy('created_at').orderBy('id').offset(page.offset).limit(page.limit).execute(),
    async count(tenantId: string, filter: ClientGrantFilter): Promise<number> {
      const rows = await filtered(tenantId, filter).clearSelect().select((eb) => eb.fn.countAll<string | number>().as('n')).execute();
      return Number(rows[0]?.n ?? 0);
    },
    insert: (row: ClientGrantRow) => db.insertInto('client_grants').values(row).execute(),
    updateScope: (tenantId: string, id: string, scope: string) =>
      db.updateTable('client_grants').set({ scope }).where('tenant_id', '=', tenantId).where('id', '=', id).execute(),
    async delete(tenantId: string, id: string): Promise<boolean> {
      const result = await db.deleteFrom('client_grants').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
