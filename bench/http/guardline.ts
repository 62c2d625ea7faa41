/**
 * Guardline under load: a `guardline start` process on a throwaway database, seeded through its public APIs, and
 * its scenarios (password grant, challenge, exchange, pairs, associate, a Management API read).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { throwawayDatabase } from '../support/throwaway-database.js';
import { CONNECTIONS, DURATION, Latest, type AutocannonRequest, call, expectStatus, inParallel, json, load, type Answer, type Services } from './load.js';
import { ROOT, freePort, onCleanup, startNode } from './processes.js';

export const PG_SERVER = process.env.GUARDLINE_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.GUARDLINE_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/9';
export const RESULTS_DIR = path.join(ROOT, 'bench/http/results');
export const TEST_PHONE = '+14155552671';
export const TEST_CODE = '123456';
export const PASSWORD = 'correct horse battery staple';
export const MFA_OOB = 'http://auth0.com/oauth/grant-type/mfa-oob';
const ADMIN_CLIENT_ID = 'bench-admin-client';
const ADMIN_CLIENT_SECRET = 'bench-admin-secret-0123456789abcdef0123456789abcdef';
/** Enrolled users (default 150 per second of BENCH_DURATION, at least 300). */
const USERS = Number(process.env.BENCH_USERS ?? Math.max(300, 150 * DURATION));
/** mfa_tokens per client variant (each exchange and each pair uses one up). */
const TOKENS = Number(process.env.BENCH_TOKENS ?? Math.max(400, 100 * DURATION));
/** Un-enrolled users per client variant for the associate scenario (each is associated up to ASSOCIATE_SHARE times). */
const ASSOCIATE_USERS = Number(process.env.BENCH_ASSOCIATE_USERS ?? Math.max(100, 40 * DURATION));

/** A throwaway database for this run, dropped after the processes using it have stopped (cleanups run after the children). */
export async function benchDatabase(label: string): Promise<{ url: string; name: string }> {
  const database = await throwawayDatabase(PG_SERVER, label);
  onCleanup(database.drop);
  return { url: database.url, name: new URL(database.url).pathname.slice(1) };
}

/** Where a Guardline (or several sharing it) keeps its data: the environment for `guardline start`, and what to watch. */
export interface Storage {
  env: Record<string, string>;
  services: Services;
  /** SQLite file or PostgreSQL URL, for the direct seeder. */
  database: { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; url: string };
}

export async function guardlineStorage(mode: string, dir: string, label = 'guardline'): Promise<Storage> {
  const env: Record<string, string> = {
    GUARDLINE_DATA_DIR: dir,
    GUARDLINE_LOG_LEVEL: 'warn',
    GUARDLINE_SECRET_KEY: 'ab'.repeat(32),
    GUARDLINE_BOOTSTRAP_CLIENT_ID: ADMIN_CLIENT_ID,
    GUARDLINE_BOOTSTRAP_CLIENT_SECRET: ADMIN_CLIENT_SECRET,
  };
  if (mode !== 'postgres') {
    const file = path.join(dir, `${label}.db`);
    env.GUARDLINE_DATABASE_URL = `sqlite:${file}`;
    return { env, services: {}, database: { dialect: 'sqlite', file } };
  }
  const database = await benchDatabase(label);
  env.GUARDLINE_DATABASE_URL = database.url;
  env.GUARDLINE_REDIS_URL = REDIS_URL;
  // A PostgreSQL database is migrated by the operator, not by `start` (several nodes may start at once).
  const migrated = spawnSync(process.execPath, ['--no-node-snapshot', 'bin/guardline.js', 'migrate'], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
  if (migrated.status !== 0) throw new Error(`guardline migrate failed:\n${migrated.stdout}${migrated.stderr}`);
  return { env, services: { postgresDatabase: database.name, redis: true }, database: { dialect: 'postgres', url: database.url } };
}

export interface GuardlineNode {
  url: string;
  pid: number;
  /** The Host header of the default tenant (its Management API audience's host). */
  host: string;
  adminAuth: Record<string, string>;
  publicUrl: string;
}

/**
 * `guardline start` on `storage`. Nodes of one deployment share `publicUrl` (as behind a load balancer); the first
 * node started on a storage creates the default tenant and the bench's administrative application.
 */
export async function startGuardline(storage: Storage, publicUrl?: string): Promise<GuardlineNode> {
  const port = await freePort();
  const shared = publicUrl ?? `http://localhost:${port}`;
  const env = { ...storage.env, GUARDLINE_PORT: String(port), GUARDLINE_HOST: '127.0.0.1', GUARDLINE_PUBLIC_URL: shared };
  const args = [...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${RESULTS_DIR}`] : []), '--no-node-snapshot', 'bin/guardline.js', 'start'];
  const server = await startNode('guardline', args, env, /Management API\s+(\S+)/);
  const audience = /Management API\s+(\S+)/.exec(server.output())![1]!;
  const url = `http://127.0.0.1:${port}`;
  const host = new URL(audience).host;
  return { url, pid: server.pid, host, publicUrl: shared, adminAuth: await managementAuth(url, host, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, audience) };
}

export async function managementAuth(url: string, host: string, clientId: string, clientSecret: string, audience: string): Promise<Record<string, string>> {
  const token = await expectStatus('management token', call(`${url}/oauth/token`, 'POST', { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, audience }, { host }), 200);
  return { host, authorization: `Bearer ${String(token.access_token)}` };
}

export type Api = (method: string, p: string, body?: unknown) => Promise<Answer>;
export const managementApi = (url: string, adminAuth: Record<string, string>): Api => (method, p, body) => call(`${url}/api/v2${p}`, method, body, adminAuth);

/** The phone factor on, MFA for every application, and (unless `testNumber` is false) the bench's test number. */
export async function configurePhoneFactor(api: Api, testNumber = true): Promise<void> {
  await expectStatus('sms factor', api('PUT', '/guardian/factors/sms', { enabled: true }), 200);
  await expectStatus('policies', api('PUT', '/guardian/policies', ['all-applications']), 200);
  // A test number: the built-in provider's lifetime cap (100 messages) would otherwise end the run.
  if (testNumber) await expectStatus('test number', api('PUT', '/guardian/factors/phone/test-numbers', { test_numbers: [{ phone_number: TEST_PHONE, code: TEST_CODE }] }), 200);
}

export interface Clients {
  public: Record<string, string>;
  confidential: Record<string, string>;
}

export async function createClients(api: Api): Promise<Clients> {
  const grant_types = ['password', MFA_OOB];
  const confidential = await expectStatus('confidential client', api('POST', '/clients', { name: 'bench confidential', app_type: 'regular_web', grant_types }), 201);
  const pub = await expectStatus('public client', api('POST', '/clients', { name: 'bench public', app_type: 'native', token_endpoint_auth_method: 'none', grant_types }), 201);
  return {
    public: { client_id: String(pub.client_id) },
    confidential: { client_id: String(confidential.client_id), client_secret: String(confidential.client_secret) },
  };
}

export interface User {
  id: string;
  email: string;
}

/** `count` users through the Management API, each with `phone(i)` as a confirmed phone unless it answers undefined. */
export async function createUsers(api: Api, count: number, prefix: string, phone: (i: number) => string | undefined): Promise<User[]> {
  const users: User[] = [];
  const started = Date.now();
  await inParallel(count, 8, async (i) => {
    const email = `${prefix}${i}@example.com`;
    const user = await expectStatus('user', api('POST', '/users', { connection: 'Username-Password-Authentication', email, password: PASSWORD }), 201);
    const id = String(user.user_id);
    const phoneNumber = phone(i);
    if (phoneNumber) await expectStatus('phone', api('POST', `/users/${encodeURIComponent(id)}/authentication-methods`, { type: 'phone', phone_number: phoneNumber, preferred_authentication_method: 'sms' }), 201);
    users[i] = { id, email };
    if ((i + 1) % 100 === 0) process.stdout.write(`\r  seeded ${i + 1}/${count} ${prefix} users`);
  });
  console.log(`\r  seeded ${count} ${prefix} users (${phone(0) ? 'enrolled' : 'not enrolled'}) in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return users;
}

export interface Token {
  token: string;
  user: string;
}

/**
 * An mfa_token per entry of `users` (repeats allowed), from password grants outside any measurement; `nodes` are
 * used in turn. The answer must be 403 `mfa_required` (the policy is all-applications, enrolled or not).
 */
export async function mintTokens(nodes: GuardlineNode[], clientAuth: Record<string, string>, users: User[]): Promise<Token[]> {
  const tokens: Token[] = [];
  await inParallel(users.length, 8, async (i) => {
    const user = users[i]!;
    const node = nodes[i % nodes.length]!;
    const answer = await expectStatus('password grant', call(`${node.url}/oauth/token`, 'POST', { grant_type: 'password', ...clientAuth, username: user.email, password: PASSWORD }, { host: node.host }), 403);
    if (answer.error !== 'mfa_required') throw new Error(`password grant: expected mfa_required, got ${JSON.stringify(answer)}`);
    tokens[i] = { token: String(answer.mfa_token), user: user.id };
  });
  return tokens;
}

/** Per-user sends so far: the per-user bucket allows 10, then 1 an hour; the plans stay at 9. */
export class SendBudget {
  static readonly MAX = 9;
  private readonly used = new Map<string, number>();
  /** Round robin over `tokens`, each user taking at most `share` sends (and never past MAX). */
  plan(tokens: Token[], share: number): Token[] {
    const plan: Token[] = [];
    const taken = new Map<string, number>();
    for (let progress = true; progress; ) {
      progress = false;
      for (const t of tokens) {
        if ((taken.get(t.user) ?? 0) >= share || !this.take(t.user)) continue;
        taken.set(t.user, (taken.get(t.user) ?? 0) + 1);
        plan.push(t);
        progress = true;
      }
    }
    return plan;
  }
  /** Each token once, while its user has sends left. */
  each(tokens: Token[]): Token[] {
    return tokens.filter((t) => this.take(t.user));
  }
  take(user: string): boolean {
    const used = this.used.get(user) ?? 0;
    if (used >= SendBudget.MAX) return false;
    this.used.set(user, used + 1);
    return true;
  }
}

export interface Variant {
  name: 'public' | 'confidential';
  clientAuth: Record<string, string>;
  users: User[];
  /** Users with no authenticator, for the associate scenario. */
  unenrolled: User[];
}

export async function seedGuardline(g: GuardlineNode): Promise<Variant[]> {
  const api = managementApi(g.url, g.adminAuth);
  await configurePhoneFactor(api);
  const clients = await createClients(api);
  const users = await createUsers(api, USERS, 'bench', () => TEST_PHONE);
  const unenrolled = await createUsers(api, 2 * ASSOCIATE_USERS, 'unenrolled', () => undefined);
  const half = Math.floor(USERS / 2);
  return [
    { name: 'public', clientAuth: clients.public, users: users.slice(0, half), unenrolled: unenrolled.slice(0, ASSOCIATE_USERS) },
    { name: 'confidential', clientAuth: clients.confidential, users: users.slice(half), unenrolled: unenrolled.slice(ASSOCIATE_USERS) },
  ];
}

const CHALLENGE_SHARE = 6;
const ASSOCIATE_SHARE = 6;

/** The challenge scenario over `plan` (each entry one send); the newest oob_code each token got. */
export function challengeRequest(host: string, clientAuth: Record<string, string>, plan: Token[], latest?: Latest): AutocannonRequest {
  let next = 0;
  return {
    method: 'POST', path: '/mfa/challenge', headers: { ...json, host },
    setupRequest: (request, context) => {
      const t = plan[next++ % plan.length]!;
      context.token = t.token;
      if (latest) context.seq = latest.issue(t.token);
      return { ...request, body: JSON.stringify({ ...clientAuth, challenge_type: 'oob', mfa_token: t.token }) };
    },
    onResponse: (status, body, context) => {
      if (latest && status === 200) latest.answer(String(context.token), Number(context.seq), String((JSON.parse(body) as { oob_code: string }).oob_code));
    },
  };
}

export async function benchGuardline(mode: string, g: GuardlineNode, variants: Variant[], services: Services): Promise<void> {
  const headers = { ...json, host: g.host };
  const budget = new SendBudget();
  for (const variant of variants) {
    const meta = (scenario: string) => ({ mode, scenario, side: 'guardline' as const, variant: variant.name });
    // Password grant: each answer is `mfa_required` (403) with an mfa_token, the pool of the MFA scenarios.
    const tokens: Token[] = [];
    let nextUser = 0;
    await load(meta('password grant'), g, [{
      method: 'POST', path: '/oauth/token', headers,
      setupRequest: (request, context) => {
        const user = variant.users[nextUser++ % variant.users.length]!;
        context.user = user.id;
        return { ...request, body: JSON.stringify({ grant_type: 'password', ...variant.clientAuth, username: user.email, password: PASSWORD }) };
      },
      onResponse: (status, body, context) => {
        if (status === 403) tokens.push({ token: String((JSON.parse(body) as { mfa_token: string }).mfa_token), user: String(context.user) });
      },
    }], [403], undefined, services);
    // The password scenario rarely mints enough single-use tokens for the exchange and pair scenarios (each
    // completes its transaction): top the pool up to TOKENS with password grants outside the measurement.
    const more = Array.from({ length: Math.max(0, TOKENS - tokens.length) }, (_, i) => variant.users[(nextUser + i) % variant.users.length]!);
    tokens.push(...(await mintTokens([g], variant.clientAuth, more)));
    // Half the tokens for challenge then exchange, half for pairs.
    const forChallenge = tokens.filter((_, i) => i % 2 === 0);
    const forPairs = tokens.filter((_, i) => i % 2 === 1);

    // Challenge: round robin over the tokens within each user's share of the send bucket.
    const plan = budget.plan(forChallenge, CHALLENGE_SHARE);
    const latest = new Latest();
    await load(meta('challenge'), g, [challengeRequest(g.host, variant.clientAuth, plan, latest)], [200], plan.length - CONNECTIONS, services);

    // Exchange: each token once, with the latest oob_code it got (older ones are superseded).
    const exchanges = latest.entries();
    let nextExchange = 0;
    await load(meta('exchange'), g, [{
      method: 'POST', path: '/oauth/token', headers,
      setupRequest: (request) => {
        const [token, code] = exchanges[nextExchange++ % exchanges.length]!;
        return { ...request, body: JSON.stringify({ grant_type: MFA_OOB, ...variant.clientAuth, mfa_token: token, oob_code: code, binding_code: TEST_CODE }) };
      },
    }], [200], exchanges.length - CONNECTIONS, services);

    // Pairs: on each connection, a challenge then the exchange of the oob_code it answered.
    const pairs = budget.each(forPairs);
    let nextPair = 0;
    await load(meta('challenge+exchange pairs'), g, [
      {
        method: 'POST', path: '/mfa/challenge', headers,
        setupRequest: (request, context) => {
          const t = pairs[nextPair++ % pairs.length]!;
          context.token = t.token;
          return { ...request, body: JSON.stringify({ ...variant.clientAuth, challenge_type: 'oob', mfa_token: t.token }) };
        },
        onResponse: (status, body, context) => {
          context.oob = status === 200 ? (JSON.parse(body) as { oob_code: string }).oob_code : 'none';
        },
      },
      {
        method: 'POST', path: '/oauth/token', headers,
        setupRequest: (request, context) => ({ ...request, body: JSON.stringify({ grant_type: MFA_OOB, ...variant.clientAuth, mfa_token: context.token, oob_code: context.oob, binding_code: TEST_CODE }) }),
      },
    ], [200], 2 * (pairs.length - CONNECTIONS), services);

    // Associate: an un-enrolled user's mfa_token (the password grant answers mfa_required for them too) enrolls
    // the test number by SMS; each call replaces the user's pending enrollment and takes one of their sends.
    const enrolling = budget.plan(await mintTokens([g], variant.clientAuth, variant.unenrolled), ASSOCIATE_SHARE);
    let nextAssociate = 0;
    await load(meta('associate'), g, [{
      method: 'POST', path: '/mfa/associate',
      setupRequest: (request) => {
        const t = enrolling[nextAssociate++ % enrolling.length]!;
        return { ...request, headers: { ...headers, authorization: `Bearer ${t.token}` }, body: JSON.stringify({ authenticator_types: ['oob'], oob_channels: ['sms'], phone_number: TEST_PHONE }) };
      },
    }], [200], enrolling.length - CONNECTIONS, services);
  }
  // A Management API read: JWT verification, tenant, one user row.
  const someone = variants[0]!.users[0]!.id;
  await load({ mode, scenario: 'management read (GET user)', side: 'guardline', variant: '' }, g, [{ method: 'GET', path: `/api/v2/users/${encodeURIComponent(someone)}`, headers: g.adminAuth }], [200], undefined, services);
}
