/**
 * `npm run bench:http`: HTTP load on loopback against a real `guardline start` process, the peer (Better Auth's
 * phone-number plugin, bench/peer-better-auth/) on the same storage, and a bare node:http hello as the ceiling;
 * in PostgreSQL mode also two Guardline nodes at once with exactness checks; opt-in, the data-scale part.
 * docs/performance.md says how to run it and how to read the table.
 *
 * BENCH_DURATION   seconds per scenario (default 10; 3 for a quick run)
 * BENCH_MODES      `embedded`, `postgres` or both (default `embedded,postgres`)
 * BENCH_PARTS      `compare` (ceiling, peer, Guardline), `nodes` (two nodes + checks, postgres mode only), `scale`;
 *                  default `compare,nodes`, plus `scale` with BENCH_SCALE=1 (`npm run bench:scale`: scale only)
 * GUARDLINE_BENCH_DATABASE_URL  a PostgreSQL server (default postgres://postgres@127.0.0.1:5432/test); each run
 *                  creates databases of its own there and drops them at the end
 * GUARDLINE_BENCH_REDIS_URL     Redis (default redis://127.0.0.1:6379/9: a db of its own; never flushed)
 * BENCH_USERS, BENCH_TOKENS, BENCH_ASSOCIATE_USERS, BENCH_NODE_USERS, BENCH_SCALE_SIZES, BENCH_SCALE_SAMPLE: sizes
 *                  (docs/performance.md)
 * BENCH_PROFILE=1  starts Guardline with --cpu-prof (profiles land in bench/http/results/)
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PG_SERVER, REDIS_URL, RESULTS_DIR, benchGuardline, guardlineStorage, seedGuardline, startGuardline } from './guardline.js';
import { CONNECTIONS, DURATION, closeConnections, rows } from './load.js';
import { benchTwoNodes, type Check } from './nodes.js';
import { benchCeiling, benchPeer, ensurePeer } from './peer.js';
import { ROOT, onCleanup, run, runNode, shutdown, stopPid } from './processes.js';
import { printTable, printTargets, type Argon2Baseline } from './report.js';
import { benchScale, seeds } from './scale.js';

const MODES = (process.env.BENCH_MODES ?? 'embedded,postgres').split(',').map((m) => m.trim());
const PARTS = (process.env.BENCH_PARTS ?? `compare,nodes${process.env.BENCH_SCALE === '1' ? ',scale' : ''}`).split(',').map((p) => p.trim());

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function ensureBuilt(): void {
  const built = path.join(ROOT, 'dist/cli/run.js');
  if (existsSync(built) && statSync(built).mtimeMs >= newestMtime(path.join(ROOT, 'src'))) return;
  console.log('building Guardline (npm run build)…');
  run('npm', ['run', 'build']);
}

/** One argon2id verify with Guardline's parameters, in a process of its own (bench/support/argon2-baseline.ts). */
function argon2Baseline(mode: string): Argon2Baseline {
  const out = JSON.parse(runNode(['--import', 'tsx', 'bench/support/argon2-baseline.ts']).trim()) as Omit<Argon2Baseline, 'mode'>;
  console.log(`  argon2id   one verify (a process of its own, ${out.verifies} verifies): ${out.cpuUsPerVerify.toFixed(0)} µs CPU, ${out.wallUsPerVerify.toFixed(0)} µs wall`);
  return { mode, ...out };
}

async function main(): Promise<void> {
  for (const mode of MODES) if (mode !== 'embedded' && mode !== 'postgres') throw new Error(`BENCH_MODES: unknown mode ${mode}`);
  for (const part of PARTS) if (!['compare', 'nodes', 'scale'].includes(part)) throw new Error(`BENCH_PARTS: unknown part ${part}`);
  ensureBuilt();
  ensurePeer();
  mkdirSync(RESULTS_DIR, { recursive: true });
  console.log(`HTTP bench: ${CONNECTIONS} connections, ${DURATION} s per scenario, modes ${MODES.join(', ')}, parts ${PARTS.join(', ')}, node ${process.version}`);
  const baselines: Argon2Baseline[] = [];
  const checks: Check[] = [];
  for (const mode of MODES) {
    const dir = mkdtempSync(path.join(tmpdir(), `guardline-bench-${mode}-`));
    onCleanup(async () => rmSync(dir, { recursive: true, force: true }));
    console.log(`\n${mode === 'embedded' ? 'embedded (SQLite files)' : `PostgreSQL (${new URL(PG_SERVER).host}) + Redis (${REDIS_URL})`}`);
    if (PARTS.includes('compare')) {
      await benchCeiling(mode);
      await benchPeer(mode, dir);
      baselines.push(argon2Baseline(mode));
      const storage = await guardlineStorage(mode, dir);
      const g = await startGuardline(storage);
      const variants = await seedGuardline(g);
      await benchGuardline(mode, g, variants, storage.services);
      await stopPid(g.pid);
    }
    if (PARTS.includes('nodes') && mode === 'postgres') {
      console.log('  two nodes on one PostgreSQL database and one Redis');
      checks.push(...(await benchTwoNodes(mode, dir)));
    }
    if (PARTS.includes('scale')) await benchScale(mode, dir);
  }
  printTable();
  printTargets(baselines, checks);
  const summary = { at: new Date().toISOString(), node: process.version, connections: CONNECTIONS, durationSeconds: DURATION, modes: MODES, parts: PARTS, argon2id: baselines, checks, seeds, rows };
  writeFileSync(path.join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(summary, null, 2)}\n`);
  console.log(`\nsummary written to ${path.relative(ROOT, path.join(RESULTS_DIR, 'latest.json'))}`);
  if (checks.some((c) => !c.pass)) throw new Error(`exactness checks failed: ${checks.filter((c) => !c.pass).map((c) => c.name).join('; ')}`);
}

try {
  await main();
} catch (err) {
  console.error(`\nbench failed: ${(err as Error).stack ?? String(err)}`);
  process.exitCode = 1;
} finally {
  closeConnections();
  await shutdown();
}
