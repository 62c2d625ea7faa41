import type { PhoneFraudPatch } from '../../src/domain/phone-fraud/settings.js';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { SecretBox } from '../../src/crypto/secret-box.js';
import { cryptoRandom, ManualClock, type Clock } from '../../src/domain/clock.js';
import { buildApp } from '../../src/http/app.js';
import type { App } from '../../src/http/types.js';
import { bootstrap } from '../../src/services/bootstrap.js';
import { buildServices, type Services } from '../../src/services/index.js';
import type { Tenant } from '../../src/services/tenants.js';
import { migrateToLatest, openDatabase, type DatabaseHandle, type Dialect } from '../../src/store/database.js';
import { createStore } from '../../src/store/store.js';
import type { StatementObserver } from '../../src/store/unavailable.js';
import { TEST_POSTGRES_URL, TEST_REDIS_URL } from './services.js';
import { ACTIONS_DEFAULTS, DELIVERY_DEFAULTS, LOG_STREAMS_DEFAULTS, type ActionsConfig, type BuiltinSmsUpstream, type DeliveryConfig, type LogStreamsConfig } from '../../src/config/load.js';
import type { ProviderDefinition } from '../../src/delivery/kit.js';
import { createMemoryLimiter, createRedisLimiter, createSqlLimiter, type RateLimiter } from '../../src/limits/index.js';

/** Every repository and HTTP test runs once per database. */
export const DIALECTS: Dialect[] = ['sqlite', 'postgres'];

/** The public URL tests use; tenant `acme` lives at `acme.guardline.test`. */
export const PUBLIC_URL = new URL('http://guardline.test');
export const DEFAULT_HOST = 'guardline.test';

export interface TestContext {
  dialect: Dialect;
  handle: DatabaseHandle;
  services: Services;
  app: App;
  clock: Clock;
  limiter: RateLimiter;
  tenant: Tenant;
  admin: { clientId: string; clientSecret: string };
  close(): Promise<void>;
}

/**
 * A fresh, isolated Guardline: SQLite in memory, or a PostgreSQL schema of its own (dropped at close), so
 * parallel test files and parallel CI runs never see each other's rows.
 */
export interface TestContextOptions {
  clock?: Clock;
  /** The public URL (and base domain) instead of http://guardline.test: a browser test that must see the issuer it calls. */
  publicUrl?: URL;
  /**
   * Which limiter back end the services get. Default: the database's own (limits/sql.ts), what a Guardline without
   * Redis runs. Redis uses a key prefix of its own.
   */
  limiter?: 'sql' | 'memory' | 'redis';
  /** With `limiter: 'redis'`: a Redis of the test's own (fault tests), instead of the machine's. */
  redisUrl?: string;
  /** PostgreSQL through this URL instead of the machine's (fault tests put a proxy they can cut in between). */
  postgresUrl?: string;
  /** A real upstream for the built-in SMS provider (a loopback fake of Twilio in tests). */
  builtinSmsUpstream?: BuiltinSmsUpstream;
  /** Told every SQL statement the context's database runs (tests/store/statements.test.ts counts them). */
  observeStatements?: StatementObserver;
  /** Provider definitions besides the shipped ones (loopback fakes, test/support/fakes/). */
  providers?: readonly ProviderDefinition[];
  /** Provider base URLs by setting name (GUARDLINE_<PROVIDER>_BASE_URL), e.g. a fake's loopback URL. */
  providerBaseUrls?: Record<string, string>;
  /** The delivery time budget and per-provider concurrency (default: the configuration's defaults). */
  delivery?: Partial<DeliveryConfig>;
  /** Actions: e.g. `{ allowPrivateNetwork: true }` so an action may call a fake on loopback. */
  actions?: Partial<ActionsConfig>;
  /**
   * The default tenant's phone fraud rules (PATCH /api/v2/attack-protection/phone-fraud), applied after bootstrap.
   * Default HARNESS_PHONE_FRAUD: the product's defaults without the per-number velocity rule, because most tests
   * enrol many users with the same handful of numbers; the fraud tests (test/fraud) pass the rules they test.
   */
  phoneFraud?: PhoneFraudPatch;
  /** Log streams: e.g. `{ allowHttp: true }` so a stream may deliver to a sink on loopback. */
  logStreams?: Partial<LogStreamsConfig>;
}

export const HARNESS_PHONE_FRAUD: PhoneFraudPatch = { velocity: { per_number: { enabled: false } } };

/** A migrated database of its own: SQLite in memory, or a fresh PostgreSQL schema that `drop` removes again. */
export async function openTestDatabase(dialect: Dialect, postgresUrl = TEST_POSTGRES_URL, observe?: StatementObserver): Promise<{ handle: DatabaseHandle; drop(): Promise<void> }> {
  const schema = `gl_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const observing = observe ? { observe } : {};
  const handle =
    dialect === 'sqlite'
      ? await openDatabase({ dialect: 'sqlite', file: ':memory:' }, observing)
      : await openDatabase({ dialect: 'postgres', url: postgresUrl }, { schema, ...observing });
  await migrateToLatest(handle);
  return {
    handle,
    async drop() {
      await handle.destroy();
      if (dialect === 'postgres') {
        const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
      }
    },
  };
}

export async function createTestContext(dialect: Dialect, options: TestContextOptions = {}): Promise<TestContext> {
  const { handle, drop } = await openTestDatabase(dialect, options.postgresUrl, options.observeStatements);
  const clock = options.clock ?? new ManualClock(new Date());
  const limiter =
    options.limiter === 'redis'
      ? createRedisLimiter({ url: options.redisUrl ?? TEST_REDIS_URL, clock, keyPrefix: `gl_test_${randomBytes(6).toString('hex')}:` })
      : options.limiter === 'memory'
        ? createMemoryLimiter(clock)
        : createSqlLimiter({ db: handle.db, dialect: handle.dialect, clock });
  const services = buildServices({
    store: createStore(handle.db, handle.dialect),
    clock,
    random: cryptoRandom,
    secretBox: new SecretBox(randomBytes(32)),
    limiter,
    config: {
      publicUrl: options.publicUrl ?? PUBLIC_URL,
      baseDomain: (options.publicUrl ?? PUBLIC_URL).hostname,
      defaultTenant: 'default',
      builtinSmsUpstream: options.builtinSmsUpstream,
      providerBaseUrls: options.providerBaseUrls ?? {},
      delivery: { ...DELIVERY_DEFAULTS, ...options.delivery },
      actions: { ...ACTIONS_DEFAULTS, ...options.actions },
      logStreams: { ...LOG_STREAMS_DEFAULTS, ...options.logStreams },
    },
    ...(options.providers ? { extraProviders: options.providers } : {}),
  });
  const boot = await bootstrap(services, { defaultTenant: 'default' });
  await services.protections.updatePhoneFraud(boot.tenant, options.phoneFraud ?? HARNESS_PHONE_FRAUD);
  const app = await buildApp({ services, enforceDeclaredStatuses: true });
  await app.ready();
  return {
    dialect,
    handle,
    services,
    app,
    clock,
    tenant: boot.tenant,
    admin: boot.adminClient!,
    limiter,
    async close() {
      await app.close();
      await services.close();
      await limiter.close();
      await drop();
    },
  };
}

/** Registers a context for the surrounding describe block; read it inside tests through the returned getter. */
export function useTestContext(dialect: Dialect, options: TestContextOptions = {}): () => TestContext {
  let ctx: TestContext | undefined;
  beforeAll(async () => {
    ctx = await createTestContext(dialect, options);
  });
  afterAll(async () => {
    await ctx?.close();
  });
  return () => {
    if (!ctx) throw new Error('test context not ready');
    return ctx;
  };
}

/** A client_credentials token for the Management API of `tenant` (default: the context's default tenant). */
export async function managementToken(
  ctx: TestContext,
  credentials = ctx.admin,
  options: { host?: string; scope?: string; tenant?: Tenant } = {},
): Promise<string> {
  const tenant = options.tenant ?? ctx.tenant;
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: { host: options.host ?? tenant.domain },
    payload: {
      grant_type: 'client_credentials',
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      audience: tenant.managementAudience,
      ...(options.scope ? { scope: options.scope } : {}),
    },
  });
  if (response.statusCode !== 200) throw new Error(`token request failed: ${response.statusCode} ${response.body}`);
  return response.json().access_token as string;
}

/**
 * Creates a machine-to-machine application with exactly `scopes` on the tenant's Management API and returns a
 * token for it: the way tests prove a route refuses a token without its scope.
 */
export async function tokenWithScopes(ctx: TestContext, scopes: string[], tenant: Tenant = ctx.tenant): Promise<string> {
  const client = await ctx.services.clients.create(tenant, { name: `scoped ${scopes.join(' ')}`, app_type: 'non_interactive' });
  await ctx.services.clientGrants.create(tenant, { client_id: client.client_id, audience: tenant.managementAudience, scope: scopes });
  return managementToken(ctx, { clientId: client.client_id, clientSecret: client.client_secret! }, { tenant });
}
