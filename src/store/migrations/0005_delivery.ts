import { randomBytes } from 'node:crypto';
import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * Delivery (issue 9): provider configurations in their own table (a tenant may have several: its chain), the
 * delivery ledger (one row per attempt), and the tenant's SMS→voice fallback switch. The Twilio settings that
 * lived in `guardian_settings.twilio_*` move into a `twilio` row; those columns stay (unused) so a rollback to
 * the previous version still finds them, and a later migration drops them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('provider_configs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    // a registry id (delivery/registry.ts): auth0 is never stored, twilio, vonage, …
    .addColumn('provider', 'text', (c) => c.notNull())
    // JSON object validated by the definition's schema; fields the definition marks secret are sealed (secret box)
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    // order in the tenant's chain, lowest first
    .addColumn('position', 'integer', (c) => c.notNull())
    // JSON array of ISO 3166-1 alpha-2 codes this config serves; null = every destination
    .addColumn('countries', 'text')
    // JSON array of the channels (sms, voice) this config carries; null = every channel its provider supports
    .addColumn('channels', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('provider_configs_tenant_idx').on('provider_configs').columns(['tenant_id', 'position']).execute();

  await db.schema
    .createTable('delivery_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    // the send this attempt belongs to (one code to one phone: every hop of its chain shares it)
    .addColumn('send_id', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('provider_config_id', 'text')
    // masked E.164 (never the full number)
    .addColumn('destination', 'text', (c) => c.notNull())
    .addColumn('country', 'text')
    // accepted | queued | sent | delivered | undelivered | failed
    .addColumn('status', 'text', (c) => c.notNull())
    // JSON array of {status, at, source, error?}
    .addColumn('history', 'text', (c) => c.notNull())
    .addColumn('provider_message_id', 'text')
    // JSON {class, errorCode, message} when the attempt failed
    .addColumn('error', 'text')
    .addColumn('accepted_at', 'text')
    .addColumn('sent_at', 'text')
    .addColumn('delivered_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('delivery_attempts_tenant_idx').on('delivery_attempts').columns(['tenant_id', 'created_at']).execute();
  await db.schema.createIndex('delivery_attempts_message_idx').on('delivery_attempts').columns(['provider_config_id', 'provider_message_id']).execute();

  await db.schema.alterTable('guardian_settings').addColumn('phone_voice_fallback', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await versionTriggers(db, [...GUARDIAN_SETTINGS_COLUMNS, 'phone_voice_fallback']);

  // The Twilio settings move to a provider configuration row (the auth token stays sealed as it was).
  const { rows } = await sql<{
    tenant_id: string;
    phone_provider: string;
    twilio_sid: string | null;
    twilio_from: string | null;
    twilio_messaging_service_sid: string | null;
    twilio_auth_token_sealed: string | null;
    updated_at: string;
  }>`select tenant_id, phone_provider, twilio_sid, twilio_from, twilio_messaging_service_sid, twilio_auth_token_sealed, updated_at from guardian_settings`.execute(db);
  for (const row of rows) {
    const config = { sid: row.twilio_sid, auth_token: row.twilio_auth_token_sealed, from: row.twilio_from, messaging_service_sid: row.twilio_messaging_service_sid };
    if (Object.values(config).every((v) => v === null)) continue;
    const stored = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== null));
    const id = `pro_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x').slice(0, 16)}`;
    await sql`insert into provider_configs (id, tenant_id, provider, config, enabled, position, countries, channels, created_at, updated_at)
      values (${id}, ${row.tenant_id}, 'twilio', ${JSON.stringify(stored)}, 1, 0, null, null, ${row.updated_at}, ${row.updated_at})`.execute(db);
  }
}

/** 0004's configuration columns of guardian_settings (an update of one bumps the tenant's config_version). */
const GUARDIAN_SETTINGS_COLUMNS = [
  'tenant_id',
  'mfa_policies',
  'phone_message_types',
  'phone_provider',
  'enrollment_template',
  'verification_template',
  'otp_length',
  'otp_lifetime_seconds',
  'twilio_sid',
  'twilio_from',
  'twilio_messaging_service_sid',
  'twilio_auth_token_sealed',
  'test_numbers',
];

/**
 * 0004's config_version triggers: guardian_settings' update trigger again with the new configuration column, and
 * the same three triggers on provider_configs (every write of a tenant's chain is a configuration change, so a chain
 * may be cached like the rest of the configuration).
 */
async function versionTriggers(db: Kysely<unknown>, settingsColumns: string[], withProviderConfigs = true): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  if (postgres) {
    await sql`drop trigger if exists guardian_settings_config_version on guardian_settings`.execute(db);
    await sql`create trigger guardian_settings_config_version after ${sql.raw(`insert or delete or update of ${settingsColumns.join(', ')}`)} on guardian_settings
      for each row execute function guardline_bump_config_version()`.execute(db);
    if (withProviderConfigs) {
      await sql`create trigger provider_configs_config_version after insert or update or delete on provider_configs
        for each row execute function guardline_bump_config_version()`.execute(db);
    }
    return;
  }
  const bump = (row: 'NEW' | 'OLD') => sql.raw(`update tenants set config_version = config_version + 1 where id = ${row}.tenant_id;`);
  await sql`drop trigger if exists guardian_settings_config_version_update`.execute(db);
  await sql`create trigger guardian_settings_config_version_update after update of ${sql.raw(settingsColumns.join(', '))} on guardian_settings
    begin ${bump('NEW')} update tenants set config_version = config_version + 1 where id = OLD.tenant_id and OLD.tenant_id <> NEW.tenant_id; end`.execute(db);
  if (withProviderConfigs) {
    await sql`create trigger provider_configs_config_version_insert after insert on provider_configs begin ${bump('NEW')} end`.execute(db);
    await sql`create trigger provider_configs_config_version_delete after delete on provider_configs begin ${bump('OLD')} end`.execute(db);
    await sql`create trigger provider_configs_config_version_update after update on provider_configs
      begin ${bump('NEW')} update tenants set config_version = config_version + 1 where id = OLD.tenant_id and OLD.tenant_id <> NEW.tenant_id; end`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // The column goes first: SQLite refuses to drop a column a trigger names.
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  if (postgres) await sql`drop trigger if exists guardian_settings_config_version on guardian_settings`.execute(db);
  else await sql`drop trigger if exists guardian_settings_config_version_update`.execute(db);
  await db.schema.alterTable('guardian_settings').dropColumn('phone_voice_fallback').execute();
  await versionTriggers(db, GUARDIAN_SETTINGS_COLUMNS, false);
  for (const table of ['delivery_attempts', 'provider_configs']) await db.schema.dropTable(table).execute();
}
