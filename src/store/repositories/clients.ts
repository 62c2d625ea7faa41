import type { Kysely, Selectable } from 'kysely';
import type { ClientsTable, Database } from '../schema.js';

export type ClientRow = Selectable<ClientsTable>;

export function clientRepository(db: Kysely<Database>) {
  return {
    find: (tenantId: string, clientId: string) =>
      db.selectFrom('clients').selectAll().where('tenant_id', '=', tenantId).where('client_id', '=', clientId).executeTakeFirst(),
    /** Client ids are globally unique, so a token request can be checked against the tenant it arrived on. */
    existsAnywhere: async (clientId: string) =>
      (await db.selectFrom('clients').select('client_id').where('client_id', '=', clientId).executeTakeFirst()) !== undefined,
    async list(tenantId: string, page: { offset: number; limit: number }) {
      return db
        .selectFrom('clients')
        .selectAll()
        .where('tenant_id', '=', tenantId)
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
    async count(tenantId: string): Promise<number> {
      const row = await db
        .selectFrom('clients')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('tenant_id', '=', tenantId)
        .executeTakeFirstOrThrow();
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
