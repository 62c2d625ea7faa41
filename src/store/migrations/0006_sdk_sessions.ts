import type { Kysely } from 'kysely';

/**
 * Applications that use Auth0's SDKs: the clients' web origins (CORS and `web_message`), allowed origins and
 * refresh-token policy; the `amr` and `auth_time` an authorization code carries into its tokens; refresh-token
 * families for rotation and reuse detection; and the login sessions behind `prompt=none` and `/v2/logout`.
 * `clients` is versioned as a whole table (0004), so its new columns are cached and invalidated like the others.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('clients').addColumn('web_origins', 'text', (c) => c.notNull().defaultTo('[]')).execute();
  await db.schema.alterTable('clients').addColumn('allowed_origins', 'text', (c) => c.notNull().defaultTo('[]')).execute();
  // Auth0's `refresh_token` object as JSON; '' means Auth0's defaults (non-rotating, non-expiring).
  await db.schema.alterTable('clients').addColumn('refresh_token', 'text', (c) => c.notNull().defaultTo('')).execute();

  // Space-separated authentication methods (`pwd`, `mfa`), and the time of the login (seconds since the epoch).
  await db.schema.alterTable('authorization_codes').addColumn('amr', 'text', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.alterTable('authorization_codes').addColumn('auth_time', 'integer').execute();

  // A rotated token's successors share its family; reuse of a rotated token revokes the whole family.
  await db.schema.alterTable('refresh_tokens').addColumn('family_id', 'text').execute();
  await db.schema.alterTable('refresh_tokens').addColumn('rotated_at', 'text').execute();
  await db.schema.alterTable('refresh_tokens').addColumn('expires_at', 'text').execute();
  await db.schema.alterTable('refresh_tokens').addColumn('idle_expires_at', 'text').execute();
  await db.schema.createIndex('refresh_tokens_family_idx').on('refresh_tokens').columns(['tenant_id', 'family_id']).execute();

  await db.schema
    .createTable('login_sessions')
    // SHA-256 of the cookie value; the value itself is never stored.
    .addColumn('session_hash', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('amr', 'text', (c) => c.notNull())
    .addColumn('authenticated_at', 'text', (c) => c.notNull())
    .addColumn('idle_expires_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('login_sessions_user_idx').on('login_sessions').columns(['tenant_id', 'user_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('login_sessions').execute();
  await db.schema.dropIndex('refresh_tokens_family_idx').execute();
  for (const column of ['idle_expires_at', 'expires_at', 'rotated_at', 'family_id']) await db.schema.alterTable('refresh_tokens').dropColumn(column).execute();
  for (const column of ['auth_time', 'amr']) await db.schema.alterTable('authorization_codes').dropColumn(column).execute();
  for (const column of ['refresh_token', 'allowed_origins', 'web_origins']) await db.schema.alterTable('clients').dropColumn(column).execute();
}
