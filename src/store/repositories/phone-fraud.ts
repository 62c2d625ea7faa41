import type { Kysely, Selectable } from 'kysely';
import type { Database, PhonePrefixBlocksTable, UsageTriggersTable, WebhookDeliveriesTable } from '../schema.js';

export type PrefixBlockRow = Selectable<PhonePrefixBlocksTable>;
export type UsageTriggerRow = Selectable<UsageTriggersTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;

/**
 * The fraud defence's rows (migration 0012): the per-tenant protection documents, the prefix blocks, the usage
 * triggers and their webhook queue. Counters live in the limiter, not here.
 */
export function phoneFraudRepository(db: Kysely<Database>) {
  return {
    async findSetting(tenantId: string, name: string): Promise<string | undefined> {
      const row = await db.selectFrom('attack_protection_settings').select('value').where('tenant_id', '=', tenantId).where('name', '=', name).executeTakeFirst();
      return row?.value;
    },
    async saveSetting(tenantId: string, name: string, value: string, at: string): Promise<void> {
      await db
        .insertInto('attack_protection_settings')
        .values({ tenant_id: tenantId, name, value, updated_at: at })
        .onConflict((oc) => oc.columns(['tenant_id', 'name']).doUpdateSet({ value, updated_at: at }))
        .execute();
    },

    listBlocks: (tenantId: string) => db.selectFrom('phone_prefix_blocks').selectAll().where('tenant_id', '=', tenantId).orderBy('prefix').execute(),
    findBlock: (tenantId: string, prefix: string) => db.selectFrom('phone_prefix_blocks').selectAll().where('tenant_id', '=', tenantId).where('prefix', '=', prefix).executeTakeFirst(),
    /**
     * The detector's block: written unless the prefix is already blocked or pinned, or an administrator lifted it
     * and the quiet period has not passed. True when this call wrote it (one node raises the alert).
     */
    async raiseBlock(row: PrefixBlockRow, now: string): Promise<boolean> {
      const inserted = await db.insertInto('phone_prefix_blocks').values(row).onConflict((oc) => oc.columns(['tenant_id', 'prefix']).doNothing()).executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) return true;
      // An ended block, or a lift whose quiet period is over, is replaced.
      const updated = await db
        .updateTable('phone_prefix_blocks')
        .set({ state: row.state, reason: row.reason, details: row.details, updated_at: row.updated_at, until: row.until })
        .where('tenant_id', '=', row.tenant_id)
        .where('prefix', '=', row.prefix)
        .where('state', '<>', 'pinned')
        .where('until', '<=', now)
        .executeTakeFirst();
      return Number(updated.numUpdatedRows) > 0;
    },
    async putBlock(row: PrefixBlockRow): Promise<void> {
      await db
        .insertInto('phone_prefix_blocks')
        .values(row)
        .onConflict((oc) => oc.columns(['tenant_id', 'prefix']).doUpdateSet({ state: row.state, reason: row.reason, details: row.details, updated_at: row.updated_at, until: row.until }))
        .execute();
    },
    async deleteBlock(tenantId: string, prefix: string): Promise<boolean> {
      const result = await db.deleteFrom('phone_prefix_blocks').where('tenant_id', '=', tenantId).where('prefix', '=', prefix).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    listTriggers: (tenantId: string) => db.selectFrom('usage_triggers').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').orderBy('id').execute(),
    countTriggers: async (tenantId: string) => Number((await db.selectFrom('usage_triggers').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenantId).executeTakeFirst())?.n ?? 0),
    insertTrigger: async (row: UsageTriggerRow) => void (await db.insertInto('usage_triggers').values(row).execute()),
    findTrigger: (tenantId: string, id: string) => db.selectFrom('usage_triggers').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst(),
    async deleteTrigger(tenantId: string, id: string): Promise<boolean> {
      const result = await db.deleteFrom('usage_triggers').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    /** Queues a webhook once per trigger and window: false when another node already queued it. */
    async enqueueWebhook(row: WebhookDeliveryRow): Promise<boolean> {
      const result = await db.insertInto('webhook_deliveries').values(row).onConflict((oc) => oc.columns(['trigger_id', 'window_key']).doNothing()).executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    dueWebhooks: (now: string, limit: number) =>
      db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('delivered_at', 'is', null)
        .where('next_attempt_at', '<=', now)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
        .orderBy('next_attempt_at')
        .limit(limit)
        .execute(),
    /** Claims a due delivery for this node: the conditional update succeeds on one node only. */
    async claimWebhook(id: string, now: string, leaseUntil: string): Promise<boolean> {
      const result = await db
        .updateTable('webhook_deliveries')
        .set({ lease_until: leaseUntil })
        .where('id', '=', id)
        .where('delivered_at', 'is', null)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async finishWebhook(id: string, outcome: { deliveredAt: string; attempts: number } | { error: string; attempts: number; nextAttemptAt: string | null }): Promise<void> {
      const set =
        'deliveredAt' in outcome
          ? { delivered_at: outcome.deliveredAt, attempts: outcome.attempts, lease_until: null, last_error: null }
          : // no next attempt: given up, kept with its error (delivered_at stays null, next_attempt_at far away)
            { last_error: outcome.error, attempts: outcome.attempts, next_attempt_at: outcome.nextAttemptAt ?? '9999-12-31T00:00:00.000Z', lease_until: null };
      await db.updateTable('webhook_deliveries').set(set).where('id', '=', id).execute();
    },
    listWebhooks: (tenantId: string, triggerId: string) =>
      db.selectFrom('webhook_deliveries').selectAll().where('tenant_id', '=', tenantId).where('trigger_id', '=', triggerId).orderBy('created_at', 'desc').limit(50).execute(),
  };
}
