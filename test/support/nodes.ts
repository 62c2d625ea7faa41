import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { SecretBox } from '../../src/crypto/secret-box.js';
import { cryptoRandom, type ManualClock } from '../../src/domain/clock.js';
import { buildApp } from '../../src/http/app.js';
import { createMemoryLimiter, createRedisLimiter } from '../../src/limits/index.js';
import { bootstrap } from '../../src/services/bootstrap.js';
import { buildServices } from '../../src/services/index.js';
import type { DatabaseConfig } from '../../src/config/load.js';
import { migrateToLatest, openDatabase } from '../../src/store/database.js';
import { createStore } from '../../src/store/store.js';
import type { ProviderDefinition } from '../../src/delivery/kit.js';
import type { TestContext } from './harness.js';
import { PUBLIC_URL } from './harness.js';
import { TEST_POSTGRES_URL, TEST_REDIS_URL } from './services.js';

/**
 * Several Guardline nodes in this process over one shared storage: a PostgreSQL schema and a Redis key prefix
 * (a fleet), or an SQLite file (the embedded mode across a restart). Each node has its own services, limiter
 * client and app, as separate processes would; they share only what the storage shares (and the secret key).
 */
export interface SharedStorage {
  database: DatabaseConfig;
  schema?: string;
  redisPrefix?: string;
  secretKey: Buffer;
  clock: ManualClock;
  admin?: { clientId: string; clientSecret: string };
  dispose(): Promise<void>;
}

export function postgresAndRedis(clock: ManualClock): SharedStorage {
  const schema = `gl_bf_${process.pid}_${randomBytes(4).toString('hex')}`;
  return {
    database: { dialect: 'postgres', url: TEST_POSTGRES_URL },
    schema,
    redisPrefix: `gl_test_${randomBytes(6).toString('hex')}:`,
    secretKey: randomBytes(32),
    clock,
    async dispose() {
      const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  };
}

export function sqliteFile(clock: ManualClock): SharedStorage {
  const dir = mkdtempSync(path.join(tmpdir(), 'gl-bf-'));
  return {
    database: { dialect: 'sqlite', file: path.join(dir, 'guardline.db') },
    secretKey: randomBytes(32),
    clock,
    async dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts one node; the first node of a storage bootstraps the tenant and its admin application. */
export async function startNode(storage: SharedStorage, options: { providers?: readonly ProviderDefinition[]; providerBaseUrls?: Record<string, string> } = {}): Promise<TestContext> {
  const handle = await openDatabase(storage.database, storage.schema ? { schema: storage.schema } : {});
  await migrateToLatest(handle);
  const { clock } = storage;
  const limiter = storage.redisPrefix ? createRedisLimiter({ url: TEST_REDIS_URL, clock, keyPrefix: storage.redisPrefix }) : createMemoryLimiter(clock);
  const services = buildServices({
    store: createStore(handle.db, handle.dialect),
    clock,
    random: cryptoRandom,
    secretBox: new SecretBox(storage.secretKey),
    limiter,
    config: { publicUrl: PUBLIC_URL, baseDomain: PUBLIC_URL.hostname, defaultTenant: 'default', builtinSmsUpstream: undefined, providerBaseUrls: options.providerBaseUrls ?? {} },
    ...(options.providers ? { extraProviders: options.providers } : {}),
  });
  const boot = await bootstrap(services, { defaultTenant: 'default' });
  if (boot.adminClient) storage.admin = boot.adminClient;
  const app = await buildApp({ services, enforceDeclaredStatuses: true });
  await app.ready();
  return {
    dialect: handle.dialect,
    handle,
    services,
    app,
    clock,
    limiter,
    tenant: boot.tenant,
    admin: storage.admin!,
    async close() {
      await app.close();
      await limiter.close();
      await handle.destroy();
    },
  };
}
