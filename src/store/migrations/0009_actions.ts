import type { Kysely } from 'kysely';
import { addTableVersionTriggers, dropTableVersionTriggers } from './table-version-triggers.js';

/**
 * Auth0 Actions (issue 11):
 * - `actions`: the editable action (draft code, dependencies, runtime, triggers) with its secrets sealed as one JSON
 *   array (`[{name, value, updated_at}]`, values never stored in clear);
 * - `action_versions`: immutable deployed snapshots (`number` counts per action; one `deployed` at a time);
 * - `action_bindings`: which action a trigger runs (at most one per trigger and tenant);
 * - `action_settings`: the tenant's `fetch` allow-list (Guardline extension);
 * - `action_executions`: one row per run, for `GET /actions/executions/{id}`.
 * Actions, versions, bindings and settings are configuration: their writes bump the tenant's config_version so every
 * node's cache sees a new deployment with the next request.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('actions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('supported_triggers', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('dependencies', 'text', (c) => c.notNull())
    .addColumn('runtime', 'text', (c) => c.notNull())
    .addColumn('secrets', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('actions_tenant_name_unique', ['tenant_id', 'name'])
    .execute();

  await db.schema
    .createTable('action_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('action_id', 'text', (c) => c.notNull().references('actions.id').onDelete('cascade'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('dependencies', 'text', (c) => c.notNull())
    .addColumn('runtime', 'text', (c) => c.notNull())
    .addColumn('secrets', 'text', (c) => c.notNull())
    .addColumn('supported_triggers', 'text', (c) => c.notNull())
    .addColumn('deployed', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('action_versions_number_unique', ['action_id', 'number'])
    .execute();

  await db.schema
    .createTable('action_bindings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('trigger_id', 'text', (c) => c.notNull())
    .addColumn('action_id', 'text', (c) => c.notNull().references('actions.id').onDelete('cascade'))
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('action_bindings_trigger_unique', ['tenant_id', 'trigger_id'])
    .execute();

  await db.schema
    .createTable('action_settings')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id').onDelete('cascade'))
    .addColumn('fetch_allowed_hosts', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('action_executions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('trigger_id', 'text', (c) => c.notNull())
    .addColumn('action_id', 'text', (c) => c.notNull())
    .addColumn('action_name', 'text', (c) => c.notNull())
    .addColumn('version_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('logs', 'text', (c) => c.notNull())
    .addColumn('logs_truncated', 'integer', (c) => c.notNull())
    .addColumn('fetches', 'text', (c) => c.notNull())
    .addColumn('notification', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('ended_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('action_executions_tenant_started_idx').on('action_executions').columns(['tenant_id', 'started_at']).execute();

  for (const table of ['actions', 'action_versions', 'action_bindings', 'action_settings']) await addTableVersionTriggers(db, table);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['actions', 'action_versions', 'action_bindings', 'action_settings']) await dropTableVersionTriggers(db, table);
  for (const table of ['action_executions', 'action_settings', 'action_bindings', 'action_versions', 'actions']) await db.schema.dropTable(table).execute();
}
