/**
 * `npm run bench`: throughput of the foundation's hot paths, printed as ratios to a baseline measured in the
 * same run (a bare Fastify route through the same inject path), because absolute numbers on shared machines
 * are noise. Embedded SQLite in memory; PostgreSQL with GUARDLINE_BENCH_DATABASE_URL=postgres://…, Redis limits
 * with GUARDLINE_BENCH_REDIS_URL=redis://…
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { loadConfig } from '../src/config/load.js';
import { buildApp } from '../src/http/app.js';
import { systemClock } from '../src/domain/clock.js';
import { createMemoryLimiter, createSqlLimiter } from '../src/limits/index.js';
import { openGuardline } from '../src/runtime.js';
import { migrateToLatest, openDatabase } from '../src/store/database.js';
import { bootstrap } from '../src/services/bootstrap.js';

const DURATION_MS = Number(process.env.GUARDLINE_BENCH_MS ?? 2000);

async function measure(name: string, op: () => Promise<unknown>, maxOps = Infinity): Promise<{ name: string; opsPerSec: number }> {
  for (let i = 0; i < 20; i++) await op(); // warm-up
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < DURATION_MS && count < maxOps) {
    await op();
    count++;
  }
  return { name, opsPerSec: (count * 1000) / (performance.now() - start) };
}

async function main() {
  const config = loadConfig({
    GUARDLINE_DATABASE_URL: process.env.GUARDLINE_BENCH_DATABASE_URL ?? 'sqlite::memory:',
    GUARDLINE_SECRET_KEY: randomBytes(32).toString('hex'),
    GUARDLINE_PUBLIC_URL: 'http://bench.test',
    GUARDLINE_LOG_LEVEL: 'silent',
    ...(process.env.GUARDLINE_BENCH_REDIS_URL ? { GUARDLINE_REDIS_URL: process.env.GUARDLINE_BENCH_REDIS_URL } : {}),
  });
  const guardline = await openGuardline(config, { migrate: true });
  const boot = await bootstrap(guardline.services, { defaultTenant: 'default' });
  const admin = boot.adminClient!;
  const app = await buildApp({ services: guardline.services });
  await app.ready();
  const host = boot.tenant.domain;

  const baseline = Fastify();
  baseline.get('/hello', async () => ({ hello: 'world' }));
  await baseline.ready();

  const tokenPayload = {
    grant_type: 'client_credentials',
    client_id: admin.clientId,
    client_secret: admin.clientSecret,
    audience: boot.tenant.managementAudience,
  };
  const token = (await app.inject({ method: 'POST', url: '/oauth/token', headers: { host }, payload: tokenPayload })).json().access_token as string;
  const auth = { host, authorization: `Bearer ${token}` };
  const client = (await app.inject({ method: 'POST', url: '/api/v2/clients', headers: auth, payload: { name: 'bench' } })).json();

  // Phone factor: an enrolled pool of users, so the per-user send bucket (10 per hour) never refuses a measured op.
  const { services } = guardline;
  const tenant = boot.tenant;
  await services.guardian.setFactor(tenant, 'sms', true, {});
  await services.guardian.setPolicies(tenant, ['all-applications'], {});
  // A test number: the built-in provider's lifetime cap (100) would otherwise end the case after 100 sends.
  await services.guardian.setTestNumbers(tenant, [{ phone_number: '+14155552671', code: '123456' }], {});
  const mfaClient = await services.clients.create(tenant, { name: 'bench mfa', app_type: 'regular_web', grant_types: ['password', 'http://auth0.com/oauth/grant-type/mfa-oob'] });
  const clientRow = (await services.clients.find(tenant, mfaClient.client_id))!;
  const POOL = Number(process.env.GUARDLINE_BENCH_MFA_USERS ?? 200);
  const pool: Array<{ mfaToken: string; authenticatorId: string }> = [];
  for (let i = 0; i < POOL; i++) {
    const created = await services.users.create(tenant, { connection: 'Username-Password-Authentication', email: `bench${i}@example.com`, password: 'correct horse battery' });
    const user = (await services.users.find(tenant, created.user_id))!;
    await services.authenticators.addPhone(tenant, user.user_id, { phone_number: '+14155552671' }, {});
    const [phone] = await services.authenticators.listForUser(tenant, user.user_id);
    pool.push({ mfaToken: await services.mfa.secondFactor.start(tenant, clientRow, user, { scope: ['openid'], audience: null }, {}), authenticatorId: `sms|${phone!.id}` });
  }
  let next = 0;
  const challenge = () => {
    const member = pool[next++ % pool.length]!;
    return app.inject({
      method: 'POST',
      url: '/mfa/challenge',
      headers: { host },
      payload: { client_id: mfaClient.client_id, client_secret: mfaClient.client_secret, challenge_type: 'oob', authenticator_id: member.authenticatorId, mfa_token: member.mfaToken },
    });
  };
  const limiterRule = { name: 'bench', burst: 1_000_000_000, refillEveryMs: 1 };
  let key = 0;
  const memoryLimiter = createMemoryLimiter(systemClock);
  const sqlLimiter = createSqlLimiter({ db: guardline.handle.db, dialect: guardline.handle.dialect, clock: systemClock });
  const fileDir = mkdtempSync(path.join(tmpdir(), 'guardline-bench-'));
  const fileDb = await openDatabase({ dialect: 'sqlite', file: path.join(fileDir, 'bench.db') });
  await migrateToLatest(fileDb);
  const fileLimiter = createSqlLimiter({ db: fileDb.db, dialect: 'sqlite', clock: systemClock });

  const results = [
    await measure('baseline: bare Fastify GET (inject)', () => baseline.inject({ method: 'GET', url: '/hello' })),
    await measure('GET /api/v2/clients/{id} (JWT verify + tenant + 1 read)', () => app.inject({ method: 'GET', url: `/api/v2/clients/${client.client_id}`, headers: auth })),
    await measure('POST /oauth/token client_credentials (argon2id + RS256 sign)', () => app.inject({ method: 'POST', url: '/oauth/token', headers: { host }, payload: tokenPayload })),
    await measure('event log append (services.events.record)', () => guardline.services.events.record(boot.tenant.id, { type: 'sapi', description: 'bench' })),
    await measure(`limiter take, configured: ${config.redisUrl ? 'Redis' : `SQL (${config.database.dialect})`} (GCRA)`, () => services.deps.limiter.take(limiterRule, `k${key++ % 1000}`)),
    // The back ends side by side: in-process (tests only), this database, and the embedded default (a WAL file).
    await measure('limiter take, in-process (tests only)', () => memoryLimiter.take(limiterRule, `k${key++ % 1000}`)),
    await measure(`limiter take, SQL on this database (${config.database.dialect})`, () => sqlLimiter.take(limiterRule, `k${key++ % 1000}`)),
    await measure('limiter take, SQL on an embedded SQLite file (WAL)', () => fileLimiter.take(limiterRule, `k${key++ % 1000}`)),
    await measure('GET /mfa/authenticators (mfa_token lookup + list)', () => app.inject({ method: 'GET', url: '/mfa/authenticators', headers: { host, authorization: `Bearer ${pool[0]!.mfaToken}` } })),
    // Every op: client auth (argon2id), send bucket, challenge row, template render, dev inbox row, 2 events.
    await measure('POST /mfa/challenge (test number → dev inbox)', challenge, (POOL - 2) * 9),
  ];

  const base = results[0]!.opsPerSec;
  console.log(`database: ${config.database.dialect}; ${DURATION_MS} ms per case; node ${process.version}`);
  console.log('case'.padEnd(64), 'ops/s'.padStart(10), 'ratio to baseline'.padStart(20));
  for (const r of results) {
    console.log(r.name.padEnd(64), r.opsPerSec.toFixed(0).padStart(10), (r.opsPerSec / base).toFixed(4).padStart(20));
  }
  globalThis.gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  console.log(`after the run${globalThis.gc ? ' and a full collection' : ''}: RSS ${(rss / 1048576).toFixed(0)} MiB, heap ${(heapUsed / 1048576).toFixed(0)} MiB`);
  await app.close();
  await baseline.close();
  await guardline.close();
  await fileDb.destroy();
  rmSync(fileDir, { recursive: true, force: true });
}

await main();
