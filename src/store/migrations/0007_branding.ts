import { PostgresAdapter, sql, type Kysely } from 'kysely';
import { addTableVersionTriggers, dropTableVersionTriggers } from './table-version-triggers.js';

/**
 * Universal Login (issue 10), tenant look and SMS texts:
 * - `branding`: Auth0's `/api/v2/branding` settings, one row per tenant (absent = nothing set);
 * - `guardian_settings.phone_otp_autofill`: whether SMS codes end with the origin-bound one-time-code line
 *   (`@host #code`, WebOTP / iOS / Android autofill). On (1) by default, existing tenants included.
 * Both are configuration the nodes cache: the branding table gets 0004's three config_version triggers, and the
 * guardian_settings update trigger is created again with the new column in its list.
 */

/** 0004's and 0005's configuration columns of guardian_settings. */
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
  'phone_voice_fallback',
];

const isPostgres = (db: Kysely<unknown>) => db.getExecutor().adapter instanceof PostgresAdapter;

async function guardianSettingsTrigger(db: Kysely<unknown>, columns: string[]): Promise<void> {
  if (isPostgres(db)) {
    await sql`drop trigger if exists guardian_settings_config_version on guardian_settings`.execute(db);
    await sql`create trigger guardian_settings_config_version after ${sql.raw(`insert or delete or update of ${columns.join(', ')}`)} on guardian_settings
      for each row execute function guardline_bump_config_version()`.execute(db);
    return;
  }
  await sql`drop trigger if exists guardian_settings_config_version_update`.execute(db);
  await sql`create trigger guardian_settings_config_version_update after update of ${sql.raw(columns.join(', '))} on guardian_settings
    begin update tenants set config_version = config_version + 1 where id = NEW.tenant_id;
    update tenants set config_version = config_version + 1 where id = OLD.tenant_id and OLD.tenant_id <> NEW.tenant_id; end`.execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('branding')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id').onDelete('cascade'))
    // #rrggbb, lower case; null = not set
    .addColumn('primary_color', 'text')
    .addColumn('page_background', 'text')
    // https URLs (http on loopback); null = not set
    .addColumn('logo_url', 'text')
    .addColumn('favicon_url', 'text')
    .addColumn('font_url', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema.alterTable('guardian_settings').addColumn('phone_otp_autofill', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  await guardianSettingsTrigger(db, [...GUARDIAN_SETTINGS_COLUMNS, 'phone_otp_autofill']);

  await addTableVersionTriggers(db, 'branding');
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // The trigger goes before the column: SQLite refuses to drop a column a trigger names.
  if (isPostgres(db)) await sql`drop trigger if exists guardian_settings_config_version on guardian_settings`.execute(db);
  else await sql`drop trigger if exists guardian_settings_config_version_update`.execute(db);
  await db.schema.alterTable('guardian_settings').dropColumn('phone_otp_autofill').execute();
  await guardianSettingsTrigger(db, GUARDIAN_SETTINGS_COLUMNS);
  await dropTableVersionTriggers(db, 'branding');
  await db.schema.dropTable('branding').execute();
}
