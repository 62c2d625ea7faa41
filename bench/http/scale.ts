/**
 * Data scale (opt-in: BENCH_SCALE=1, or `npm run bench:scale` for this part alone): challenge latency with 10 000
 * and with 1 000 000 enrolled users. Each size gets a fresh Guardline on fresh storage, configured through the
 * Management API and seeded straight into its database (bench/support/seed-users.ts); the challenges go to a sample
 * of users spread evenly across the table.
 */
import { seedUsers } from '../support/seed-users.js';
import { PASSWORD, SendBudget, TEST_PHONE, challengeRequest, configurePhoneFactor, createClients, guardlineStorage, managementApi, mintTokens, startGuardline, type User } from './guardline.js';
import { CONNECTIONS, DURATION, load } from './load.js';
import { stopPid } from './processes.js';

export const SCALE_SIZES = (process.env.BENCH_SCALE_SIZES ?? '10000,1000000').split(',').map(Number);
/** Users sampled per size (each takes up to 6 challenges). */
const SAMPLE = Number(process.env.BENCH_SCALE_SAMPLE ?? Math.max(300, 100 * DURATION));

export interface Seed {
  mode: string;
  users: number;
  seconds: number;
}

export const seeds: Seed[] = [];

export const scaleScenario = (users: number) => `challenge @ ${users.toLocaleString('en')} users`;

export async function benchScale(mode: string, dir: string): Promise<void> {
  for (const size of SCALE_SIZES) {
    const storage = await guardlineStorage(mode, dir, `scale${size}`);
    const g = await startGuardline(storage);
    const api = managementApi(g.url, g.adminAuth);
    await configurePhoneFactor(api);
    const clients = await createClients(api);
    const seconds = await seedUsers(storage.database, { count: size, prefix: 'scale', phone: TEST_PHONE, password: PASSWORD });
    seeds.push({ mode, users: size, seconds });
    console.log(`  seeded ${size.toLocaleString('en')} users straight into the database in ${seconds.toFixed(1)} s`);
    const count = Math.min(size, SAMPLE);
    const sample: User[] = Array.from({ length: count }, (_, k) => {
      const email = `scale${Math.floor(((k + 0.5) * size) / count)}@example.com`;
      return { id: email, email };
    });
    const plan = new SendBudget().plan(await mintTokens([g], clients.public, sample), 6);
    await load({ mode, scenario: scaleScenario(size), side: 'guardline', variant: 'public' }, g, [challengeRequest(g.host, clients.public, plan)], [200], plan.length - CONNECTIONS, storage.services);
    await stopPid(g.pid);
  }
}
