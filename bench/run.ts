/**
 * `npm run bench`: throughput of the foundation's hot paths, printed as ratios to a baseline measured in the
 * same run (a bare Fastify route through the same inject path), because absolute numbers on shared machines
 * are noise. Embedded SQLite in memory; PostgreSQL with GUARDLINE_BENCH_DATABASE_URL=postgres://…
 */
import { randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import { loadConfig } from '../src/config/load.js';
import { buildApp } from '../src/http/app.js';
import { openGuardline } from '../src/runtime.js';
import { bootstrap } from '../src/services/bootstrap.js';

const DURATION_MS = Number(process.env.GUARDLINE_BENCH_MS ?? 2000);

async function measure(name: string, op: () => Promise<unknown>): Promise<{ name: string; opsPerSec: number }> {
  for (let i = 0; i < 20; i++) await op(); // warm-up
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < DURATION_MS) {
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

  const results = [
    await measure('baseline: bare Fastify GET (inject)', () => baseline.inject({ method: 'GET', url: '/hello' })),
    await measure('GET /api/v2/clients/{id} (JWT verify + tenant + 1 read)', () => app.inject({ method: 'GET', url: `/api/v2/clients/${client.client_id}`, headers: auth })),
    await measure('POST /oauth/token client_credentials (argon2id + RS256 sign)', () => app.inject({ method: 'POST', url: '/oauth/token', headers: { host }, payload: tokenPayload })),
    await measure('event log append (services.events.record)', () => guardline.services.events.record(boot.tenant.id, { type: 'sapi', description: 'bench' })),
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
}

await main();
