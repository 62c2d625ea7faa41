import type { Kysely } from 'kysely';

/**
 * The phone factor: per-tenant Guardian settings, factor switches, users' authenticators, MFA transactions
 * (the `mfa_token`), one-time-code challenges, the built-in provider's dev inbox and enrollment tickets.
 * Text and integer columns only, as in 0001.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('guardian_factors')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('guardian_factors_pk', ['tenant_id', 'name'])
    .execute();

  await db.schema
    .createTable('guardian_settings')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id').onDelete('cascade'))
    .addColumn('mfa_policies', 'text', (c) => c.notNull())
    .addColumn('phone_message_types', 'text', (c) => c.notNull())
    .addColumn('phone_provider', 'text', (c) => c.notNull())
    .addColumn('enrollment_template', 'text')
    .addColumn('verification_template', 'text')
    .addColumn('otp_length', 'integer', (c) => c.notNull())
    .addColumn('otp_lifetime_seconds', 'integer', (c) => c.notNull())
    .addColumn('twilio_sid', 'text')
    .addColumn('twilio_from', 'text')
    .addColumn('twilio_messaging_service_sid', 'text')
    .addColumn('twilio_auth_token_sealed', 'text')
    .addColumn('test_numbers', 'text', (c) => c.notNull())
    .addColumn('builtin_messages_sent', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('authenticators')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('phone_number', 'text')
    .addColumn('preferred_method', 'text')
    .addColumn('name', 'text')
    .addColumn('secret_hash', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('enrolled_at', 'text')
    .addColumn('last_auth_at', 'text')
    .addForeignKeyConstraint('authenticators_user_fk', ['tenant_id', 'user_id'], 'users', ['tenant_id', 'user_id'], (fk) => fk.onDelete('cascade'))
    .execute();
  await db.schema.createIndex('authenticators_user_idx').on('authenticators').columns(['tenant_id', 'user_id', 'created_at']).execute();

  await db.schema
    .createTable('mfa_transactions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('first_factor', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('audience', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('completed_at', 'text')
    .addForeignKeyConstraint('mfa_transactions_user_fk', ['tenant_id', 'user_id'], 'users', ['tenant_id', 'user_id'], (fk) => fk.onDelete('cascade'))
    .execute();

  await db.schema
    .createTable('mfa_challenges')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('oob_code_hash', 'text', (c) => c.notNull().unique())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('transaction_id', 'text', (c) => c.notNull().references('mfa_transactions.id').onDelete('cascade'))
    .addColumn('authenticator_id', 'text', (c) => c.notNull().references('authenticators.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('consumed_at', 'text')
    .execute();
  await db.schema.createIndex('mfa_challenges_transaction_idx').on('mfa_challenges').columns(['transaction_id', 'authenticator_id']).execute();

  await db.schema
    .createTable('dev_inbox_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('dev_inbox_tenant_idx').on('dev_inbox_messages').columns(['tenant_id', 'created_at']).execute();

  await db.schema
    .createTable('enrollment_tickets')
    .addColumn('ticket_hash', 'text', (c) => c.primaryKey())
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('factor', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('consumed_at', 'text')
    .addForeignKeyConstraint('enrollment_tickets_user_fk', ['tenant_id', 'user_id'], 'users', ['tenant_id', 'user_id'], (fk) => fk.onDelete('cascade'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['enrollment_tickets', 'dev_inbox_messages', 'mfa_challenges', 'mfa_transactions', 'authenticators', 'guardian_settings', 'guardian_factors']) {
    await db.schema.dropTable(table).execute();
  }
}
