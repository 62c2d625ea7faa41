/**
 * `npm run bench`: throughput of the foundation's hot paths, printed as ratios to a baseline measured in the
 * same run (a bare Fastify route through the same inject path), because absolute numbers on shared machines
 * are noise. Embedded SQLite in memory; PostgreSQL with GUARDLINE_BENCH_DATABASE_URL=postgres://… (a server: each run uses a new database there), Redis limits
 * with GUARDLINE_BENCH_REDIS_URL=redis://…
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { throwawayDatabase } from './support/throwaway-database.js';
import { loadConfig } from '../src/config/load.js';
import { hashSecret } from '../src/crypto/password.js';
import { CLIENT_AUTH_LIMITS } from '../src/limits/index.js';
import { buildApp } from '../src/http/app.js';
import { systemClock } from '../src/domain/clock.js';
import { createMemoryLimiter, createSqlLimiter } from '../src/limits/index.js';
import { openGuardline } from '../src/runtime.js';
import { migrateToLatest, openDatabase } from '../src/store/database.js';
import { bootstrap } from '../src/services/bootstrap.js';

const DURATION_MS = Number(process.env.GUARDLINE_BENCH_MS ?? 2000);

/**
 * `cpuMicros`: this process's CPU time (user + system) per op. On a machine shared with other work, wall-clock
 * throughput moves with the neighbours' load; CPU per op moves much less, so it is the column to compare between
 * runs (still only roughly: caches and frequency are shared too).
 */
async function measure(name: string, op: () => Promise<unknown>, maxOps = Infinity): Promise<{ name: string; opsPerSec: number; cpuMicros?: number }> {
  for (let i = 0; i < 20; i++) await op(); // warm-up
  let count = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  while (performance.now() - start < DURATION_MS && count < maxOps) {
    await op();
    count++;
  }
  const used = process.cpuUsage(cpu);
  return { name, opsPerSec: (count * 1000) / (performance.now() - start), cpuMicros: (used.user + used.system) / count };
}

/**
 * Two operations measured alternately in A B B A order, each op timed on its own, so drift of the shared machine
 * (other processes, GC after an earlier case) and any cost of going first land on both sides equally: for
 * comparisons such as "does a refusal cost the same for a known and an unknown client id".
 */
async function measurePair(
  names: [string, string],
  ops: [() => Promise<unknown>, () => Promise<unknown>],
): Promise<Array<{ name: string; opsPerSec: number; cpuMicros?: number }>> {
  for (let i = 0; i < 20; i++) for (const op of ops) await op(); // warm-up
  const spent = [0, 0];
  let rounds = 0;
  const start = performance.now();
  while (performance.now() - start < 2 * DURATION_MS) {
    for (const i of rounds % 2 === 0 ? ([0, 1] as const) : ([1, 0] as const)) {
      const t0 = performance.now();
      await ops[i]();
      spent[i]! += performance.now() - t0;
    }
    rounds++;
  }
  return names.map((name, i) => ({ name, opsPerSec: (rounds * 1000) / spent[i]! }));
}

async function main() {
  const benchServer = process.env.GUARDLINE_BENCH_DATABASE_URL;
  const database = benchServer ? await throwawayDatabase(benchServer) : undefined;
  const config = loadConfig({
    GUARDLINE_DATABASE_URL: database?.url ?? 'sqlite::memory:',
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
    pool.push({ mfaToken: await services.mfaApi.secondFactor.start(tenant, clientRow, user, { scope: ['openid'], audience: null }, {}), authenticatorId: `sms|${phone!.id}` });
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

  // Client authentication. Refusals: each op comes from a new address (so the per-IP failure bucket never
  // refuses) and the per-client bucket is reset after it, the same extra work for the known and the unknown id,
  // so the two cases differ only in what the server does for an id that exists and one that does not.
  let address = 0;
  const nextIp = () => {
    address++;
    return `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}`;
  };
  const refusal = (clientId: string) => async () => {
    const response = await app.inject({ method: 'POST', url: '/oauth/token', remoteAddress: nextIp(), headers: { host }, payload: { ...tokenPayload, client_id: clientId, client_secret: 'a-wrong-secret-of-plausible-length-0123456789abcdef0123456789abc' } });
    if (response.statusCode !== 401) throw new Error(`expected 401, got ${response.statusCode}`);
    await services.deps.limiter.reset(CLIENT_AUTH_LIMITS.perClient, `${tenant.id}:${clientId}`);
  };
  // "Before": the same success against an argon2id row, as every client secret was stored before HMACs. Its first
  // use rewrites it, so each op puts the legacy hash back first (one small UPDATE, not part of the old cost).
  const legacyHash = await hashSecret(admin.clientSecret);
  const adminRow = (await services.clients.find(tenant, admin.clientId))!;
  const legacySuccess = async () => {
    await services.deps.store.clients.update(tenant.id, admin.clientId, { client_secret_hash: legacyHash });
    const response = await app.inject({ method: 'POST', url: '/oauth/token', headers: { host }, payload: tokenPayload });
    if (response.statusCode !== 200) throw new Error(`expected 200, got ${response.statusCode}`);
  };
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
    await measure('POST /oauth/token client_credentials (HMAC + RS256 sign)', () => app.inject({ method: 'POST', url: '/oauth/token', headers: { host }, payload: tokenPayload })),
    await measure('  same, legacy argon2id row (reset each op)', legacySuccess),
    ...(await measurePair(
      ['POST /oauth/token known client, wrong secret (401)', 'POST /oauth/token unknown client id (401)'],
      [refusal(admin.clientId), refusal('an-unknown-client-id-0123456789a')],
    )),
    await measure('event log append (services.events.record)', () => guardline.services.events.record(boot.tenant.id, { type: 'sapi', description: 'bench' })),
    await measure(`limiter take, configured: ${config.redisUrl ? 'Redis' : `SQL (${config.database.dialect})`} (GCRA)`, () => services.deps.limiter.take(limiterRule, `k${key++ % 1000}`)),
    // The back ends side by side: in-process (tests only), this database, and the embedded default (a WAL file).
    await measure('limiter take, in-process (tests only)', () => memoryLimiter.take(limiterRule, `k${key++ % 1000}`)),
    await measure(`limiter take, SQL on this database (${config.database.dialect})`, () => sqlLimiter.take(limiterRule, `k${key++ % 1000}`)),
    await measure('limiter take, SQL on an embedded SQLite file (WAL)', () => fileLimiter.take(limiterRule, `k${key++ % 1000}`)),
    await measure('GET /mfa/authenticators (mfa_token lookup + list)', () => app.inject({ method: 'GET', url: '/mfa/authenticators', headers: { host, authorization: `Bearer ${pool[0]!.mfaToken}` } })),
    // Every op: client auth (HMAC, 2 × 2 failure-bucket peeks), send bucket, challenge row, template render, dev inbox row, 2 events.
    await measure('POST /mfa/challenge (test number → dev inbox)', challenge, (POOL - 2) * 9),
  ];

  // leave the admin application as the HMAC row it was
  await services.deps.store.clients.update(tenant.id, admin.clientId, { client_secret_hash: adminRow.client_secret_hash });

  const base = results[0]!.opsPerSec;
  console.log(`database: ${config.database.dialect}; ${DURATION_MS} ms per case; node ${process.version}`);
  console.log('case'.padEnd(64), 'ops/s'.padStart(10), 'ratio to baseline'.padStart(20), 'CPU µs/op'.padStart(12));
  for (const r of results) {
    console.log(r.name.padEnd(64), r.opsPerSec.toFixed(0).padStart(10), (r.opsPerSec / base).toFixed(4).padStart(20), (r.cpuMicros === undefined ? '' : r.cpuMicros.toFixed(0)).padStart(12));
  }
  const rate = (name: string) => results.find((r) => r.name.startsWith(name))!.opsPerSec;
  const known = rate('POST /oauth/token known client');
  const unknown = rate('POST /oauth/token unknown client');
  console.log(`refusal time, known client id / unknown client id: ${(unknown / known).toFixed(3)} (1 = no timing difference)`);
  console.log(`client_credentials success, HMAC / legacy argon2id: ${(rate('POST /oauth/token client_credentials') / rate('  same, legacy')).toFixed(2)}× the throughput`);
  globalThis.gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  console.log(`after the run${globalThis.gc ? ' and a full collection' : ''}: RSS ${(rss / 1048576).toFixed(0)} MiB, heap ${(heapUsed / 1048576).toFixed(0)} MiB`);
  await app.close();
  await baseline.close();
  await guardline.close();
  await database?.drop();
  await fileDb.destroy();
  rmSync(fileDir, { recursive: true, force: true });
}

await main();
