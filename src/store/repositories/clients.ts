import type { Kysely, Selectable, SelectQueryBuilder } from 'kysely';
import type { ClientsTable, Database } from '../schema.js';

export type ClientRow = Selectable<ClientsTable>;

/** Auth0's list filters: `is_first_party`, `app_type` (any of), `name` (exact: Auth0's `q=name:…`). */
export interface ClientFilter {
  isFirstParty?: boolean;
  appTypes?: string[];
  name?: string;
}

function filtered<Q extends SelectQueryBuilder<Database, 'clients', object>>(query: Q, tenantId: string, filter: ClientFilter): Q {
  let q = query.where('tenant_id', '=', tenantId);
  if (filter.isFirstParty !== undefined) q = q.where('is_first_party', '=', filter.isFirstParty ? 1 : 0);
  if (filter.appTypes !== undefined) q = q.where('app_type', 'in', filter.appTypes);
  if (filter.name !== undefined) q = q.where('name', '=', filter.name);
  return q as Q;
}

export function clientRepository(db: Kysely<Database>) {
  return {
    find: (tenantId: string, clientId: string) =>
      db.selectFrom('clients').selectAll().where('tenant_id', '=', tenantId).where('client_id', '=', clientId).executeTakeFirst(),
    /** Client ids are globally unique, so a token request can be checked against the tenant it arrived on. */
    existsAnywhere: async (clientId: string) =>
      (await db.selectFrom('clients').select('client_id').where('client_id', '=', clientId).executeTakeFirst()) !== undefined,
    async list(tenantId: string, filter: ClientFilter, page: { offset: number; limit: number }) {
      return filtered(db.selectFrom('clients').selectAll(), tenantId, filter)
        .orderBy('created_at')
        .orderBy('client_id')
        .offset(page.offset)
        .limit(page.limit)
        .execute();
    },
    /** Every web origin and allowed origin of the tenant's clients (CORS on the endpoints no client is named on). */
    async origins(tenantId: string): Promise<string[]> {
      const rows = await db.selectFrom('clients').select(['web_origins', 'allowed_origins']).where('tenant_id', '=', tenantId).execute();
      return rows.flatMap((r) => [...(JSON.parse(r.web_origins) as string[]), ...(JSON.parse(r.allowed_origins) as string[])]);
    },
    async count(tenantId: string, filter: ClientFilter = {}): Promise<number> {
      const row = await filtered(db.selectFrom('clients').select((eb) => eb.fn.countAll<string | number>().as('n')), tenantId, filter).executeTakeFirstOrThrow();
      return Number(row.n);
    },
    insert: (row: ClientRow) => db.insertInto('clients').values(row).execute(),
    update: (tenantId: string, clientId: string, patch: Partial<Omit<ClientRow, 'client_id' | 'tenant_id' | 'created_at'>>) =>
      db.updateTable('clients').set(patch).where('tenant_id', '=', tenantId).where('client_id', '=', clientId).execute(),
    /**
     * Replaces the stored secret hash only while it is still `from`, so a rewrite racing a rotation never brings
     * the old secret back. True when a row changed.
     */
    async replaceSecretHash(tenantId: string, clientId: string, from: string, to: string): Promise<boolean> {
      const result = await db
        .updateTable('clients')
        .set({ client_secret_hash: to })
        .where('tenant_id', '=', tenantId)
        .where('client_id', '=', clientId)
        .where('client_secret_hash', '=', from)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async delete(tenantId: string, clientId: string): Promise<boolean> {
      const result = await db.deleteFrom('clients').where('tenant_id', '=', tenantId).where('client_id', '=', clientId).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
