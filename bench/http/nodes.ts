/**
 * Two Guardline nodes sharing one PostgreSQL database and one Redis, as behind a load balancer (the same public
 * URL, a port each). No proxy in the path: an autocannon instance per node, started together, half the
 * connections each; throughput is the sum. Then the exactness checks: limits and the built-in provider's cap
 * must hold across the nodes as on one.
 */
import { BUILTIN_MESSAGE_CAP } from '../../src/delivery/builtin.js';
import { PHONE_LIMITS } from '../../src/limits/rules.js';
import {
  SendBudget, TEST_PHONE, challengeRequest, configurePhoneFactor, createClients, createUsers, guardlineStorage, managementApi, managementAuth, mintTokens, startGuardline,
  type GuardlineNode, type Storage, type Token,
} from './guardline.js';
import { CONNECTIONS, DURATION, call, loadParts, type Answer } from './load.js';
import { runNode, stopPid } from './processes.js';

/** Enrolled users for the two-node throughput (each takes up to 6 challenges). */
const NODE_USERS = Number(process.env.BENCH_NODE_USERS ?? Math.max(300, 75 * DURATION));

export interface Check {
  name: string;
  pass: boolean;
  detail: string;
}

/** `count` challenges fired at once, alternating between the nodes; the answers. */
function burst(nodes: GuardlineNode[], host: string, clientAuth: Record<string, string>, tokens: Token[], count: number): Promise<Answer[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => {
    const node = nodes[i % nodes.length]!;
    const token = tokens[i % tokens.length]!;
    return call(`${node.url}/mfa/challenge`, 'POST', { ...clientAuth, challenge_type: 'oob', mfa_token: token.token }, { host });
  }));
}

function tally(answers: Answer[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of answers) {
    const key = a.status === 200 ? '200' : `${a.status} ${String(a.json.error)}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

export async function benchTwoNodes(mode: string, dir: string): Promise<Check[]> {
  const storage = await guardlineStorage(mode, dir, 'nodes');
  const a = await startGuardline(storage);
  const b = await startGuardline(storage, a.publicUrl);
  const nodes = [a, b];
  try {
    return await throughputAndChecks(mode, storage, nodes);
  } finally {
    await Promise.all(nodes.map((n) => stopPid(n.pid)));
  }
}

async function throughputAndChecks(mode: string, storage: Storage, nodes: GuardlineNode[]): Promise<Check[]> {
  const a = nodes[0]!;
  const api = managementApi(a.url, a.adminAuth);
  await configurePhoneFactor(api);
  const clients = await createClients(api);
  const users = await createUsers(api, NODE_USERS, 'nodes', () => TEST_PHONE);

  // Throughput: each node gets the challenges of half the users (so one user's sends stay on one node here; the
  // checks below split one user across both).
  const tokens = await mintTokens(nodes, clients.public, users);
  const budget = new SendBudget();
  const half = Math.floor(tokens.length / 2);
  const plans = [budget.plan(tokens.slice(0, half), 6), budget.plan(tokens.slice(half), 6)];
  const connections = CONNECTIONS / 2;
  await loadParts(
    { mode, scenario: 'challenge, 2 nodes', side: 'guardline', variant: 'public' },
    nodes.map((node, i) => ({ target: node, requests: [challengeRequest(node.host, clients.public, plans[i]!)], amount: plans[i]!.length - connections, connections })),
    [200],
    storage.services,
  );

  const checks: Check[] = [];
  // (a) The per-user send bucket: 40 challenges for one user at once, half on each node: exactly the burst is sent.
  const [limited] = await createUsers(api, 1, 'limit', () => TEST_PHONE);
  const limitedToken = await mintTokens(nodes, clients.public, [limited!]);
  const sends = await burst(nodes, a.host, clients.public, limitedToken, 40);
  const sent = sends.filter((s) => s.status === 200).length;
  const throttled = sends.filter((s) => s.status === 429 && s.json.error === 'invalid_request' && String(s.json.error_description).startsWith('Too many SMS sent by the user')).length;
  checks.push({
    name: `per-user send limit across 2 nodes (40 at once, burst ${PHONE_LIMITS.sends.burst})`,
    pass: sent === PHONE_LIMITS.sends.burst && throttled === 40 - PHONE_LIMITS.sends.burst,
    detail: `${sent} sent, ${throttled} refused 429 invalid_request "Too many SMS sent by the user…" (${JSON.stringify(tally(sends))})`,
  });

  // (b) The built-in provider's lifetime cap: a tenant without test numbers, 150 users with real (non-test) numbers,
  // one challenge each, all at once across both nodes: exactly the cap is delivered (to the dev inbox).
  const created = runNode(['--no-node-snapshot', 'bin/guardline.js', 'tenant', 'create', 'bench-cap'], { ...storage.env, GUARDLINE_PUBLIC_URL: a.publicUrl });
  const field = (label: string) => new RegExp(`${label}\\s+(\\S+)`).exec(created)?.[1] ?? '';
  const audience = field('Management API');
  const capHost = new URL(audience).host;
  const capApi = managementApi(a.url, await managementAuth(a.url, capHost, field('admin client_id'), field('admin secret'), audience));
  await configurePhoneFactor(capApi, false);
  const capClients = await createClients(capApi);
  const capUsers = await createUsers(capApi, 150, 'cap', (i) => `+1415555${String(1000 + i).padStart(4, '0')}`);
  const capTokens = await mintTokens(nodes.map((n) => ({ ...n, host: capHost })), capClients.public, capUsers);
  const messages = await burst(nodes, capHost, capClients.public, capTokens, 150);
  const delivered = messages.filter((m) => m.status === 200).length;
  const capped = messages.filter((m) => m.status === 429 && m.json.error === 'too_many_sms_per_tenant').length;
  checks.push({
    name: `built-in provider cap across 2 nodes (150 at once, cap ${BUILTIN_MESSAGE_CAP})`,
    pass: delivered === BUILTIN_MESSAGE_CAP && capped === 150 - BUILTIN_MESSAGE_CAP,
    detail: `${delivered} sent, ${capped} refused 429 too_many_sms_per_tenant (${JSON.stringify(tally(messages))})`,
  });
  for (const check of checks) console.log(`  ${check.pass ? 'PASS' : 'FAIL'}  ${check.name}: ${check.detail}`);
  return checks;
}
