import type { Kysely } from 'kysely';

/**
 * Hardening: durable token buckets for the embedded mode, Auth0's brute-force protection settings per tenant,
 * and the blocks it writes. `tat` is the only bigint column (milliseconds since the epoch overflow 32 bits).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rate_limit_buckets')
    .addColumn('key', 'text', (c) => c.primaryKey())
    // GCRA's theoretical arrival time (limits/gcra.ts): the bucket is full again at `tat`; a row past it is garbage.
    .addColumn('tat', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rate_limit_buckets_tat_idx').on('rate_limit_buckets').column('tat').execute();

  await db.schema
    .createTable('attack_protection')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id').onDelete('cascade'))
    // Auth0's brute-force-protection object as JSON (enabled, max_attempts, mode, shields, allowlist).
    .addColumn('brute_force', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('user_blocks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    // the login identifier as typed, lower-cased (an email or a username; it need not name an existing user)
    .addColumn('identifier', 'text', (c) => c.notNull())
    // the client IP the block applies to; '' blocks the identifier from every IP (mode count_per_identifier)
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('connection', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('user_blocks_identifier_ip_uq', ['tenant_id', 'identifier', 'ip'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['user_blocks', 'attack_protection', 'rate_limit_buckets']) await db.schema.dropTable(table).execute();
}
