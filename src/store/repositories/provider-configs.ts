import type { Kysely, Selectable } from 'kysely';
import type { Database, ProviderConfigsTable } from '../schema.js';

export type ProviderConfigRow = Selectable<ProviderConfigsTable>;

/** A tenant's provider configurations (its delivery chain), in chain order. */
export function providerConfigRepository(db: Kysely<Database>) {
  return {
    listByTenant: (tenantId: string) =>
      db.selectFrom('provider_configs').selectAll().where('tenant_id', '=', tenantId).orderBy('position').orderBy('created_at').orderBy('id').execute(),

    find: (tenantId: string, id: string) =>
      db.selectFrom('provider_configs').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst(),

    /** By id alone: the receipt endpoint knows the config id from its URL and checks the tenant itself. */
    findById: (id: string) => db.selectFrom('provider_configs').selectAll().where('id', '=', id).executeTakeFirst(),

    /** The first configuration of `provider` in the tenant's chain (the guardian Twilio endpoints' row). */
    findFirstOf: (tenantId: string, provider: string) =>
      db
        .selectFrom('provider_configs')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('provider', '=', provider)
        .orderBy('position')
        .orderBy('created_at')
        .limit(1)
        .executeTakeFirst(),

    async nextPosition(tenantId: string): Promise<number> {
      const row = await db
        .selectFrom('provider_configs')
        .select((eb) => eb.fn.max('position').as('max'))
        .where('tenant_id', '=', tenantId)
        .executeTakeFirst();
      return row?.max === null || row?.max === undefined ? 0 : Number(row.max) + 1;
    },

    insert: (row: ProviderConfigRow) => db.insertInto('provider_configs').values(row).execute(),

    update: (tenantId: string, id: string, patch: Partial<Omit<ProviderConfigRow, 'id' | 'tenant_id' | 'created_at'>>) =>
      db.updateTable('provider_configs').set(patch).where('tenant_id', '=', tenantId).where('id', '=', id).execute(),

    async delete(tenantId: string, id: string): Promise<boolean> {
      const result = await db.deleteFrom('provider_configs').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
