import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/crypto/secret-box.js';
import { cliEnv, freePort, startGuardline, type GuardlineProcess } from '../support/cli.js';

/**
 * A real `guardline start` in embedded mode: its limits survive `kill -9`, and SIGTERM in the middle of a burst
 * drains it (every request either completed with its effects, or never started) before storage closes.
 */
const MFA_OOB = 'http://auth0.com/oauth/grant-type/mfa-oob';
const PASSWORD = 'correct horse battery staple';

interface Running {
  server: GuardlineProcess;
  base: string;
  env: NodeJS.ProcessEnv;
}

const dirs: string[] = [];
const servers: GuardlineProcess[] = [];
afterAll(async () => {
  for (const server of servers) if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function start(env?: NodeJS.ProcessEnv): Promise<Running> {
  let environment = env;
  if (!environment) {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'guardline-faults-'));
    dirs.push(dataDir);
    environment = cliEnv({ GUARDLINE_DATA_DIR: dataDir, GUARDLINE_PORT: String(await freePort()), GUARDLINE_LOG_LEVEL: 'info' });
  }
  const server = await startGuardline(environment);
  servers.push(server);
  return { server, base: `http://127.0.0.1:${environment.GUARDLINE_PORT}`, env: environment };
}

async function call(base: string, pathname: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<{ status: number; body: any }> {
  const response = await fetch(`${base}${pathname}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), ...(signal ? { signal } : {}) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** The phone factor on, an application with the MFA grants, and `users` users each with a confirmed phone. */
async function setUp({ base, server, env }: Running, users: number) {
  const audience = `http://localhost:${env.GUARDLINE_PORT}/api/v2/`;
  const admin = await call(base, '/oauth/token', { grant_type: 'client_credentials', client_id: server.field('client_id'), client_secret: server.field('client_secret'), audience });
  expect(admin.status).toBe(200);
  const auth = { authorization: `Bearer ${admin.body.access_token}` };
  const api = async (method: string, pathname: string, body?: unknown) => {
    const response = await fetch(`${base}/api/v2${pathname}`, { method, headers: { ...auth, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    return { status: response.status, body: (await response.json()) as any };
  };
  expect((await api('PUT', '/guardian/factors/sms', { enabled: true })).status).toBe(200);
  expect((await api('PUT', '/guardian/policies', ['all-applications'])).status).toBe(200);
  const app = await api('POST', '/clients', { name: 'App', app_type: 'regular_web', grant_types: ['password', MFA_OOB] });
  const clientAuth = { client_id: app.body.client_id as string, client_secret: app.body.client_secret as string };
  const latestCode = async (phone: string) => {
    const inbox = await api('GET', '/guardian/factors/phone/dev-inbox');
    const message = (inbox.body.messages as Array<{ to: string; body: string }>).find((m) => m.to === phone)!;
    return /\d{6}/.exec(message.body)![0];
  };
  const login = async (email: string) => {
    const password = await call(base, '/oauth/token', { grant_type: 'password', ...clientAuth, username: email, password: PASSWORD });
    expect(password.body.error).toBe('mfa_required');
    return password.body.mfa_token as string;
  };
  const challenge = async (mfaToken: string, phone: string) => {
    const sent = await call(base, '/mfa/challenge', { ...clientAuth, mfa_token: mfaToken, challenge_type: 'oob' });
    expect(sent.status).toBe(200);
    return { mfaToken, oobCode: sent.body.oob_code as string, code: await latestCode(phone) };
  };
  const people: Array<{ email: string; phone: string }> = [];
  for (let i = 0; i < users; i++) {
    const email = `user${i}@example.com`;
    const phone = `+1415555${String(2600 + i).padStart(4, '0')}`;
    expect((await api('POST', '/users', { connection: 'Username-Password-Authentication', email, password: PASSWORD })).status).toBe(201);
    const mfaToken = await login(email);
    const associate = await call(base, '/mfa/associate', { authenticator_types: ['oob'], oob_channels: ['sms'], phone_number: phone }, { authorization: `Bearer ${mfaToken}` });
    expect(associate.status).toBe(200);
    expect((await call(base, '/oauth/token', { grant_type: MFA_OOB, ...clientAuth, mfa_token: mfaToken, oob_code: associate.body.oob_code, binding_code: await latestCode(phone) })).status).toBe(200);
    people.push({ email, phone });
  }
  const exchange = (pending: { mfaToken: string; oobCode: string }, bindingCode: string, signal?: AbortSignal) =>
    call(base, '/oauth/token', { grant_type: MFA_OOB, ...clientAuth, mfa_token: pending.mfaToken, oob_code: pending.oobCode, binding_code: bindingCode }, {}, signal);
  return { people, login, challenge, exchange };
}

describe('a real Guardline process (embedded mode)', () => {
  it('kill -9 and a restart on the same data directory forget no limit: ten wrong codes stay ten', async () => {
    const first = await start();
    const { people, login, challenge, exchange } = await setUp(first, 1);
    const pending = await challenge(await login(people[0]!.email), people[0]!.phone);
    const wrong = pending.code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 10; i++) expect((await exchange(pending, wrong)).body).toEqual({ error: 'invalid_grant', error_description: 'Invalid binding_code.' });
    const refused = { status: 429, body: { error: 'invalid_request', error_description: 'Too many failed codes. Wait for some minutes before retrying.' } };
    expect(await exchange(pending, wrong)).toEqual(refused);

    first.server.child.kill('SIGKILL');
    await new Promise((resolve) => first.server.child.once('close', resolve));
    const second = await start(first.env);
    // Even the right code: the user's wrong-code bucket is still empty after the crash and restart.
    expect(await exchange(pending, pending.code)).toEqual(refused);
    expect(await second.server.stop()).toBe(0);
  });

  it('SIGTERM mid-burst: every exchange completed with its effects or never started; storage closes after the last one; exit 0', async () => {
    const running = await start();
    const { people, login, challenge, exchange } = await setUp(running, 4);
    // 4 users × 4 logins: 16 mfa-oob exchanges, each with its own mfa_token and challenge (sends per user stay ≤ 10).
    const burst: Array<{ mfaToken: string; oobCode: string; code: string }> = [];
    for (const person of people) for (let i = 0; i < 4; i++) burst.push(await challenge(await login(person.email), person.phone));

    // A quarter of the clients hang up as the signal arrives (a load balancer's timeout): their handlers keep running,
    // and storage must outlive them too.
    const hangUp = new AbortController();
    const outcomes = burst.map((pending, i) =>
      exchange(pending, pending.code, i % 4 === 3 ? hangUp.signal : undefined).then(
        (r) => ({ status: r.status, body: r.body }),
        (err: Error) => ({ status: 0, body: String(err.cause ?? err) }),
      ),
    );
    await new Promise((r) => setTimeout(r, 5));
    const exited = new Promise<number>((resolve) => running.server.child.once('close', (code) => resolve(code ?? -1)));
    const signalled = performance.now();
    running.server.child.kill('SIGTERM');
    hangUp.abort();
    const results = await Promise.all(outcomes);
    expect(await exited).toBe(0);
    // Drained, not held open by keep-alive connections until their 72 s timeout.
    expect(performance.now() - signalled, running.server.output().slice(-3000)).toBeLessThan(5000);

    const db = new SQLite(path.join(running.env.GUARDLINE_DATA_DIR!, 'guardline.db'), { readonly: true });
    try {
      const effects = burst.map((pending) => ({
        consumed: db.prepare('select consumed_at from mfa_challenges where oob_code_hash = ?').get(hashToken(pending.oobCode)) as { consumed_at: string | null },
        completed: db.prepare('select completed_at from mfa_transactions where token_hash = ?').get(hashToken(pending.mfaToken)) as { completed_at: string | null },
      }));
      results.forEach((result, i) => {
        const { consumed, completed } = effects[i]!;
        if (i % 4 === 3 && result.status === 0) {
          // hung up: the client cannot know, but the exchange is all or nothing
          expect(consumed.consumed_at === null).toBe(completed.completed_at === null);
        } else if (result.status === 200) {
          expect(result.body).toMatchObject({ access_token: expect.any(String), token_type: 'Bearer' });
          expect([consumed.consumed_at, completed.completed_at]).toEqual([expect.any(String), expect.any(String)]);
        } else {
          // never started: refused at the door (connection refused/reset, or 503 while closing), no effect at all
          expect([0, 503]).toContain(result.status);
          expect([consumed.consumed_at, completed.completed_at]).toEqual([null, null]);
        }
      });
      expect(results.filter((r) => r.status === 200).length).toBeGreaterThan(0);
    } finally {
      db.close();
    }
    const output = running.server.output();
    expect(output).not.toMatch(/driver has already been destroyed|Connection is closed|unhandled|"level":50/i);
  }, 120_000);
});
