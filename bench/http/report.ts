/** The bench's table, its target lines (argon2id ratio, two nodes, data scale, checks) and the JSON summary. */
import { rows, type Row } from './load.js';
import type { Check } from './nodes.js';
import { SCALE_SIZES, scaleScenario, seeds } from './scale.js';

/** The peer's row a Guardline scenario is compared with: associate (enrolling a phone) with the peer's send-otp. */
const PEER_SCENARIO: Record<string, string> = { associate: 'challenge' };

export interface Argon2Baseline {
  mode: string;
  verifies: number;
  cpuUsPerVerify: number;
  wallUsPerVerify: number;
}

const n0 = (n: number) => (Number.isNaN(n) ? '' : n.toFixed(0));

export function printTable(): void {
  const lines: string[] = [];
  const head = ['mode', 'scenario', 'client', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', 'PG CPU µs/req', 'Redis CPU µs/req', 'RSS MiB', 'unexpected', '÷ peer req/s', 'peer CPU ÷ ours', '÷ ceiling'];
  lines.push(`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`);
  for (const row of rows) {
    const peer = rows.find((r) => r.mode === row.mode && r.side === 'peer' && r.scenario === (PEER_SCENARIO[row.scenario] ?? row.scenario));
    const ceiling = rows.find((r) => r.mode === row.mode && r.side === 'ceiling');
    const who = row.side === 'guardline' ? row.variant || '—' : row.side;
    const compared = row.side === 'guardline' && peer && row.nodes === 1;
    lines.push(`| ${[
      row.mode,
      row.scenario,
      who,
      row.rps.toFixed(0),
      String(row.p50),
      String(row.p99),
      n0(row.cpuUsPerReq),
      n0(row.pgCpuUsPerReq),
      n0(row.redisCpuUsPerReq),
      row.rssMiB.toFixed(0),
      String(row.unexpected),
      compared ? (row.rps / peer.rps).toFixed(2) : '',
      compared ? (peer.cpuUsPerReq / row.cpuUsPerReq).toFixed(2) : '',
      ceiling && row.side !== 'ceiling' ? (row.rps / ceiling.rps).toFixed(3) : '',
    ].join(' | ')} |`);
  }
  console.log(`\n${lines.join('\n')}\n`);
}

/** The lines under the table: what the targets of issue 8 that are not a column read as in this run. */
export function printTargets(baselines: Argon2Baseline[], checks: Check[]): void {
  const find = (mode: string, scenario: string, variant: string, nodes = 1): Row | undefined =>
    rows.find((r) => r.mode === mode && r.side === 'guardline' && r.scenario === scenario && r.variant === variant && r.nodes === nodes);
  for (const b of baselines) {
    const ratios = ['public', 'confidential'].map((v) => {
      const grant = find(b.mode, 'password grant', v);
      return grant ? `${v} ${(grant.cpuUsPerReq / b.cpuUsPerVerify).toFixed(2)}` : undefined;
    }).filter(Boolean);
    console.log(`${b.mode}: one argon2id verify (Guardline's parameters, a process of its own, ${b.verifies} verifies) = ${b.cpuUsPerVerify.toFixed(0)} µs CPU; password grant CPU ÷ that: ${ratios.join(', ') || '—'} (target ≤ 1.2)`);
  }
  const two = rows.find((r) => r.scenario === 'challenge, 2 nodes');
  if (two) {
    const one = find(two.mode, 'challenge', 'public');
    console.log(`two nodes: challenge ${two.rps.toFixed(0)} req/s summed${one ? ` = ${(two.rps / one.rps).toFixed(2)} × one node's ${one.rps.toFixed(0)} req/s in this run` : ''} (p99 ${two.p99} ms)`);
  }
  for (const mode of [...new Set(seeds.map((s) => s.mode))]) {
    const sized = SCALE_SIZES.map((size) => ({ size, row: find(mode, scaleScenario(size), 'public'), seed: seeds.find((s) => s.mode === mode && s.users === size) }));
    for (const { size, row, seed } of sized) {
      if (row) console.log(`${mode}: ${size.toLocaleString('en')} users (seeded in ${seed?.seconds.toFixed(0)} s): challenge ${row.rps.toFixed(0)} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms`);
    }
    const bySize = [...sized].sort((x, y) => x.size - y.size);
    const small = bySize[0]?.row;
    const large = bySize[bySize.length - 1]?.row;
    if (small && large && small !== large) {
      console.log(`${mode}: largest ÷ smallest: p50 ${(large.p50 / small.p50).toFixed(2)}, p99 ${(large.p99 / small.p99).toFixed(2)}, req/s ${(large.rps / small.rps).toFixed(2)} (target: latency within 1.2×)`);
    }
  }
  for (const check of checks) console.log(`${check.pass ? 'PASS' : 'FAIL'}  ${check.name}: ${check.detail}`);
}
