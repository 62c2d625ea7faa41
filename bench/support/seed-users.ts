/**
 * Seeds enrolled users straight into a Guardline database, for the data-scale bench (a million users through the
 * Management API would take hours: every POST /users hashes a password). The rows go through Guardline's own
 * migrations and table types (src/store), in multi-row inserts of BATCH rows, COMMIT_EVERY rows per transaction;
 * every user has the same password (one argon2id hash computed once) and one confirmed phone authenticator.
 * Emails are `${prefix}${i}@example.com`, so a bench can log in as any of them.
 *
 *   npx tsx bench/support/seed-users.ts <sqlite:/path/guardline.db | postgres://…> <count> [tenant] [prefix] [phone]
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { DatabaseConfig } from '../../src/config/load.js';
import { hashSecret } from '../../src/crypto/password.js';
import { cryptoRandom } from '../../src/domain/clock.js';
import { randomString } from '../../src/domain/ids.js';
import { migrateToLatest, openDatabase } from '../../src/store/database.js';
import type { AuthenticatorsTable, UsersTable } from '../../src/store/schema.js';
import { DEFAULT_CONNECTION } from '../../src/services/tenants.js';
import { progressBar } from './progress.js';

/** Rows per INSERT: 22 columns × 1 000 stays under SQLite's 32 766 bound parameters and PostgreSQL's 65 535. */
const BATCH = 1_000;
const COMMIT_EVERY = 50_000;

export interface SeedOptions {
  count: number;
  /** The tenant's name (the default tenant is `default`). */
  tenant?: string;
  prefix?: string;
  phone: string;
  password: string;
}

/** Inserts `count` users with a confirmed phone each; answers the seconds it took (the hash and ANALYZE included). */
export async function seedUsers(database: DatabaseConfig, options: SeedOptions): Promise<number> {
  const handle = await openDatabase(database);
  const { db } = handle;
  try {
    await migrateToLatest(handle);
    // SQLite's default page cache (2 MiB) is far smaller than the indexes a million random ids make; this
    // connection's own, larger one only speeds the seed (the server's connection keeps its settings).
    if (database.dialect === 'sqlite') await sql`pragma cache_size = -262144`.execute(db);
    const tenantName = options.tenant ?? 'default';
    const prefix = options.prefix ?? 'scale';
    const tenant = await db.selectFrom('tenants').select('id').where('name', '=', tenantName).executeTakeFirst();
    if (!tenant) throw new Error(`seed: no tenant named ${tenantName} (start Guardline once on this database first)`);
    const connection = await db.selectFrom('connections').select('id').where('tenant_id', '=', tenant.id).where('name', '=', DEFAULT_CONNECTION).executeTakeFirst();
    if (!connection) throw new Error(`seed: tenant ${tenantName} has no ${DEFAULT_CONNECTION} connection`);
    const bar = progressBar(`seeding ${options.count.toLocaleString('en')} users (${database.dialect})`, options.count);
    const passwordHash = await hashSecret(options.password);
    // Creation times one millisecond apart, ending now: the users list in the order they were seeded.
    const first = Date.now() - options.count;
    for (let start = 0; start < options.count; start += COMMIT_EVERY) {
      const end = Math.min(options.count, start + COMMIT_EVERY);
      await db.transaction().execute(async (trx) => {
        for (let from = start; from < end; from += BATCH) {
          const users: UsersTable[] = [];
          const phones: AuthenticatorsTable[] = [];
          const ids = randomBytes(12 * BATCH);
          for (let i = from; i < Math.min(end, from + BATCH); i++) {
            const at = new Date(first + i).toISOString();
            const userId = `auth0|${ids.subarray(12 * (i - from), 12 * (i - from + 1)).toString('hex')}`;
            users.push({
              user_id: userId, tenant_id: tenant.id, connection_id: connection.id, email: `${prefix}${i}@example.com`, email_verified: 0,
              username: null, phone_number: null, password_hash: passwordHash, name: null, nickname: null, given_name: null, family_name: null,
              picture: null, locale: null, blocked: 0, user_metadata: '{}', app_metadata: '{}', logins_count: 0, last_login: null, last_ip: null,
              created_at: at, updated_at: at,
            });
            phones.push({
              id: `dev_${randomString(cryptoRandom, 16)}`, tenant_id: tenant.id, user_id: userId, type: 'phone', status: 'confirmed',
              phone_number: options.phone, preferred_method: 'sms', name: null, secret_hash: null, created_at: at, enrolled_at: at, last_auth_at: null,
            });
          }
          await trx.insertInto('users').values(users).execute();
          await trx.insertInto('authenticators').values(phones).execute();
          bar.update(from + users.length);
        }
      });
    }
    // The planner's statistics, as after any bulk load (PostgreSQL's autovacuum would get there on its own a little later).
    await sql`analyze`.execute(db);
    return bar.finish();
  } finally {
    await handle.destroy();
  }
}

function fromUrl(url: string): DatabaseConfig {
  if (/^postgres(ql)?:\/\//.test(url)) return { dialect: 'postgres', url };
  if (url.startsWith('sqlite:')) return { dialect: 'sqlite', file: url.slice('sqlite:'.length) };
  throw new Error(`seed: expected sqlite:/path or postgres://…, got ${url}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [url, count, tenant, prefix, phone] = process.argv.slice(2);
  if (!url || !count) throw new Error('usage: seed-users.ts <sqlite:/path | postgres://…> <count> [tenant] [prefix] [phone]');
  const seconds = await seedUsers(fromUrl(url), { count: Number(count), tenant: tenant ?? 'default', prefix: prefix ?? 'scale', phone: phone ?? '+14155552671', password: 'correct horse battery staple' });
  console.log(`seeded ${Number(count).toLocaleString('en')} users in ${seconds.toFixed(1)} s`);
}
