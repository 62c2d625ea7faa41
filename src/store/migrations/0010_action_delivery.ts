import type { Kysely } from 'kysely';

/**
 * What running actions needs besides the actions themselves (0009):
 * - `action_cache`: Auth0's `api.cache`, per tenant and trigger, when no Redis is configured (with Redis the cache
 *   lives there, shared by every node). Expired records are skipped on read and deleted on the next write.
 * - `action_retries`: `api.notification.retry(reason)` of a custom-phone-provider action — the notification runs again
 *   later, up to five times, on whichever node claims it first (`lease_until`), and survives a restart. The
 *   notification (which holds the one-time code) is sealed with the instance key; secrets are not stored: a retry
 *   reads the action's current secrets.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('action_cache')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('trigger_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('action_cache_pk', ['tenant_id', 'trigger_id', 'key'])
    .execute();

  await db.schema
    .createTable('action_retries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('trigger_id', 'text', (c) => c.notNull())
    /** the ledger row of the first attempt, which the retries' outcome updates */
    .addColumn('delivery_id', 'text')
    /** sealed JSON: the provider message the action is run with again */
    .addColumn('message', 'text', (c) => c.notNull())
    /** retries already run (0 before the first retry) */
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('lease_until', 'text')
    .addColumn('last_reason', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('action_retries_due_idx').on('action_retries').columns(['next_attempt_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('action_retries').execute();
  await db.schema.dropTable('action_cache').execute();
}
