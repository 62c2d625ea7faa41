/**
 * `npx tsx bench/statement-cache.ts`: what the SQLite statement cache saves, measured in one process on two
 * identical in-memory databases (one with the cache, one without), in A B B A rounds so the shared machine's drift
 * lands on both sides. The operations are the statements of a challenge: tenant lookup, user lookup, the
 * guardian read, a challenge-shaped log append.
 */
import { randomBytes } from 'node:crypto';
import { SecretBox } from '../src/crypto/secret-box.js';
import { cryptoRandom, systemClock } from '../src/domain/clock.js';
import { createMemoryLimiter } from '../src/limits/index.js';
import { bootstrap } from '../src/services/bootstrap.js';
import { buildServices } from '../src/services/index.js';
import { migrateToLatest, openDatabase } from '../src/store/database.js';
import { createStore } from '../src/store/store.js';

const ROUND_MS = Number(process.env.GUARDLINE_BENCH_MS ?? 2000);

async function guardline(statementCache: boolean) {
  const handle = await openDatabase({ dialect: 'sqlite', file: ':memory:' }, { statementCache });
  await migrateToLatest(handle);
  const services = buildServices({
    store: createStore(handle.db, handle.dialect),
    clock: systemClock,
    random: cryptoRandom,
    secretBox: new SecretBox(randomBytes(32)),
    limiter: createMemoryLimiter(systemClock),
    config: { publicUrl: new URL('http://guardline.test'), baseDomain: 'guardline.test', defaultTenant: 'default', builtinSmsUpstream: undefined },
  });
  const { tenant } = await bootstrap(services, { defaultTenant: 'default' });
  const user = await services.users.create(tenant, { connection: 'Username-Password-Authentication', email: 'bench@example.com', password: 'correct horse battery staple' });
  const op = async () => {
    const t = await services.tenants.resolveHost('guardline.test');
    await services.users.find(tenant, user.user_id);
    await services.guardian.factorsAndSettings(t!);
    await services.events.record(tenant.id, { type: 'gd_start_auth', userId: user.user_id, details: { authenticator: { id: 'x', type: 'sms' } } });
  };
  return { op, close: () => handle.destroy() };
}

const cached = await guardline(true);
const uncached = await guardline(false);
for (let i = 0; i < 200; i++) {
  await cached.op();
  await uncached.op();
}
const spent = { cached: 0, uncached: 0 };
let rounds = 0;
const start = performance.now();
while (performance.now() - start < 2 * ROUND_MS) {
  for (const side of rounds % 2 === 0 ? (['cached', 'uncached'] as const) : (['uncached', 'cached'] as const)) {
    const t0 = performance.now();
    await (side === 'cached' ? cached : uncached).op();
    spent[side] += performance.now() - t0;
  }
  rounds++;
}
const perOp = (ms: number) => ((ms * 1000) / rounds).toFixed(1);
console.log(`SQLite statement cache, ${rounds} rounds of a challenge's reads and one log append (4 statements)`);
console.log(`  without cache: ${perOp(spent.uncached)} µs per round`);
console.log(`  with cache:    ${perOp(spent.cached)} µs per round`);
console.log(`  with / without: ${(spent.uncached / spent.cached).toFixed(2)}× the throughput`);
await cached.close();
await uncached.close();
