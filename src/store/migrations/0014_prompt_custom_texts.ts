import type { Kysely } from 'kysely';
import { addTableVersionTriggers, dropTableVersionTriggers } from './table-version-triggers.js';

/**
 * Auth0's prompt custom text (issue 13): one row per tenant, prompt and language, holding the
 * `{screen: {key: text}}` object as JSON. Configuration, so its writes bump the tenant's config version.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('prompt_custom_texts')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('prompt', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('texts', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('prompt_custom_texts_pk', ['tenant_id', 'prompt', 'language'])
    .execute();
  await addTableVersionTriggers(db, 'prompt_custom_texts');
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropTableVersionTriggers(db, 'prompt_custom_texts');
  await db.schema.dropTable('prompt_custom_texts').execute();
}
