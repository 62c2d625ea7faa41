import type { Kysely } from 'kysely';
import { addTableVersionTriggers, dropTableVersionTriggers } from './table-version-triggers.js';

/**
 * Toll-fraud defence (issue 12):
 * - `limit_counters`: fixed-window counters of the limiter (budget caps, usage, traffic per prefix) when no Redis is
 *   configured. The key carries its window (`…:2026-12-02`), `expires_at` is the window's end (epoch ms).
 * - `attack_protection_settings`: one JSON document per tenant and protection (`suspicious_ip_throttling`,
 *   `phone_provider_protection`, `phone_fraud`); Auth0's brute-force object stays in `attack_protection`. Cached
 *   per node, so it carries the config-version triggers.
 * - `phone_prefix_blocks`: a number prefix blocked for a tenant, by the pumping detector or by an administrator
 *   (`pinned`: no end), or lifted by an administrator (`lifted`: the detector leaves it alone until `until`).
 * - `usage_triggers` and `webhook_deliveries`: thresholds on counts or cost that call a signed webhook, retried
 *   from a durable queue (`lease_until` lets one node claim each delivery).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('limit_counters')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('used', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('limit_counters_expires_idx').on('limit_counters').column('expires_at').execute();

  await db.schema
    .createTable('attack_protection_settings')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('attack_protection_settings_pk', ['tenant_id', 'name'])
    .execute();
  await addTableVersionTriggers(db, 'attack_protection_settings');

  await db.schema
    .createTable('phone_prefix_blocks')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('prefix', 'text', (c) => c.notNull())
    /** blocked (until `until`) | pinned (no end) | lifted (not blocked; the detector waits until `until`) */
    .addColumn('state', 'text', (c) => c.notNull())
    /** spike | low_completion | manual */
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('until', 'text')
    .addPrimaryKeyConstraint('phone_prefix_blocks_pk', ['tenant_id', 'prefix'])
    .execute();
  await addTableVersionTriggers(db, 'phone_prefix_blocks');

  await db.schema
    .createTable('usage_triggers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('definition', 'text', (c) => c.notNull())
    /** sealed: the HMAC key the webhook's signature is made with */
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await addTableVersionTriggers(db, 'usage_triggers');

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('trigger_id', 'text', (c) => c.notNull())
    /** one delivery per trigger and crossed window: a second node crossing the same threshold inserts nothing */
    .addColumn('window_key', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('lease_until', 'text')
    .addColumn('last_error', 'text')
    .addColumn('delivered_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('webhook_deliveries_once', ['trigger_id', 'window_key'])
    .execute();
  await db.schema.createIndex('webhook_deliveries_due_idx').on('webhook_deliveries').columns(['next_attempt_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('webhook_deliveries').execute();
  await dropTableVersionTriggers(db, 'usage_triggers');
  await db.schema.dropTable('usage_triggers').execute();
  await dropTableVersionTriggers(db, 'phone_prefix_blocks');
  await db.schema.dropTable('phone_prefix_blocks').execute();
  await dropTableVersionTriggers(db, 'attack_protection_settings');
  await db.schema.dropTable('attack_protection_settings').execute();
  await db.schema.dropTable('limit_counters').execute();
}
