import type { Kysely, Selectable } from 'kysely';
import type { Database, DeliveryAttemptsTable } from '../schema.js';

export type DeliveryAttemptRow = Selectable<DeliveryAttemptsTable>;

export interface DeliveryFilter {
  status?: string;
  provider?: string;
  country?: string;
  channel?: string;
  /** ISO timestamps, inclusive */
  from?: string;
  to?: string;
}

/** The delivery ledger: one row per provider attempt. */
export function deliveryRepository(db: Kysely<Database>) {
  const filtered = (tenantId: string, filter: DeliveryFilter) => {
    let q = db.selectFrom('delivery_attempts').selectAll().where('tenant_id', '=', tenantId);
    if (filter.status !== undefined) q = q.where('status', '=', filter.status);
    if (filter.provider !== undefined) q = q.where('provider', '=', filter.provider);
    if (filter.country !== undefined) q = q.where('country', '=', filter.country);
    if (filter.channel !== undefined) q = q.where('channel', '=', filter.channel);
    if (filter.from !== undefined) q = q.where('created_at', '>=', filter.from);
    if (filter.to !== undefined) q = q.where('created_at', '<=', filter.to);
    return q;
  };
  return {
    insert: (row: DeliveryAttemptRow) => db.insertInto('delivery_attempts').values(row).execute(),
    /** The attempts of one send, in one statement. */
    insertMany: (rows: DeliveryAttemptRow[]) => db.insertInto('delivery_attempts').values(rows).execute(),

    find: (tenantId: string, id: string) =>
      db.selectFrom('delivery_attempts').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst(),

    /** Newest first. */
    list: (tenantId: string, filter: DeliveryFilter, page: { offset: number; limit: number }) =>
      filtered(tenantId, filter).orderBy('id', 'desc').offset(page.offset).limit(page.limit).execute(),

    async count(tenantId: string, filter: DeliveryFilter): Promise<number> {
      const rows = await filtered(tenantId, filter).clearSelect().select((eb) => eb.fn.countAll<string | number>().as('n')).execute();
      return Number(rows[0]?.n ?? 0);
    },

    /** The attempt a receipt refers to: the vendor's message id, under the provider configuration that sent it. */
    findByMessage: (providerConfigId: string, providerMessageId: string) =>
      db
        .selectFrom('delivery_attempts')
        .selectAll()
        .where('provider_config_id', '=', providerConfigId)
        .where('provider_message_id', '=', providerMessageId)
        .executeTakeFirst(),

    /**
     * Applies a receipt only if the row still holds the status it was read with (`expectedUpdatedAt`), so two
     * receipts racing never lose one another's history: the loser reads again and retries.
     */
    async updateIfUnchanged(id: string, expectedUpdatedAt: string, patch: Partial<Omit<DeliveryAttemptRow, 'id' | 'tenant_id'>>): Promise<boolean> {
      const result = await db.updateTable('delivery_attempts').set(patch).where('id', '=', id).where('updated_at', '=', expectedUpdatedAt).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}
