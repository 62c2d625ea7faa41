import type { Kysely } from 'kysely';
import { addTableVersionTriggers, dropTableVersionTriggers } from './table-version-triggers.js';

/**
 * Universal Login's second factor:
 * - `remembered_browsers`: "Remember this device for 30 days". The browser holds an opaque token (cookie); the store
 *   keeps its SHA-256, the user, when it was issued (30-day lifetime) and when it was last used (7 days of
 *   inactivity expire it), as Auth0 documents for `allowRememberBrowser`.
 * - `login_settings`: per-tenant settings of the login pages that Auth0 keeps elsewhere (in post-login Actions):
 *   whether the remember-browser checkbox is offered. A configuration table: its writes bump the tenant's
 *   config_version (migration 0004) so every node's cache sees them.
 * - `login_completions`: a login page's MFA transaction ends in one login. The phone core finishes the transaction
 *   when the code is proven; the page may still show the new recovery code before it redirects, so the redirect's
 *   authorization code is issued once per transaction by inserting this row (a second insert fails).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('remembered_browsers')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text', (c) => c.notNull())
    .addForeignKeyConstraint('remembered_browsers_user_fk', ['tenant_id', 'user_id'], 'users', ['tenant_id', 'user_id'], (fk) => fk.onDelete('cascade'))
    .execute();
  await db.schema.createIndex('remembered_browsers_user_idx').on('remembered_browsers').columns(['tenant_id', 'user_id']).execute();

  await db.schema
    .createTable('login_completions')
    .addColumn('transaction_id', 'text', (c) => c.primaryKey().references('mfa_transactions.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('login_settings')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id').onDelete('cascade'))
    .addColumn('remember_browser', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await addTableVersionTriggers(db, 'login_settings');
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropTableVersionTriggers(db, 'login_settings');
  await db.schema.dropTable('login_settings').execute();
  await db.schema.dropTable('login_completions').execute();
  await db.schema.dropTable('remembered_browsers').execute();
}
