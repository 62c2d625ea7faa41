import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fetchAuthenticationMethods } from '../../src/cli/auth0-enrolments.js';
import { runCli } from '../../src/cli/main.js';
import { managementToken, useTestContext } from '../support/harness.js';
import { managementApi } from '../management/support.js';

// The enrolment reader is pointed at a Guardline tenant here: its Management API answers
// GET /users/{id}/authentication-methods exactly as Auth0 documents it, over a real socket.
describe('reading phone enrolments from an Auth0-compatible Management API', () => {
  const ctx = useTestContext('sqlite');
  const api = managementApi(ctx);

  async function listening(): Promise<string> {
    if (!ctx().app.server.listening) await ctx().app.listen({ host: '127.0.0.1', port: 0 });
    const address = ctx().app.server.address() as { port: number };
    return `http://127.0.0.1:${address.port}`;
  }

  async function userWithPhone(email: string, phone?: string): Promise<string> {
    const created = await api.call('POST', '/users', { payload: { connection: 'Username-Password-Authentication', email, password: 'correct horse battery' } });
    expect(created.statusCode).toBe(201);
    const userId = created.json().user_id as string;
    if (phone) {
      const method = await api.call('POST', `/users/${encodeURIComponent(userId)}/authentication-methods`, { payload: { type: 'phone', phone_number: phone, preferred_authentication_method: 'sms' } });
      expect(method.statusCode).toBe(201);
    }
    return userId;
  }

  it('reads every user, waits as a 429 says, and stops on any other failure', async () => {
    const base = await listening();
    const token = await managementToken(ctx());
    const withPhone = await userWithPhone('phone@example.com', '+819012345678');
    const without = await userWithPhone('nophone@example.com');

    let limited = 0;
    const waits: number[] = [];
    const throttled: typeof fetch = async (input, init) => {
      if (limited++ === 0) return new Response('{"statusCode":429}', { status: 429, headers: { 'retry-after': '2' } });
      return fetch(input, init);
    };
    const methods = await fetchAuthenticationMethods({ baseUrl: base, token, fetch: throttled, sleep: async (ms) => void waits.push(ms) }, [withPhone, without]);
    expect(waits).toEqual([2000]);
    expect(methods.get(withPhone)).toMatchObject([{ type: 'phone', confirmed: true, phone_number: '+819012345678' }]);
    expect(methods.get(without)).toEqual([]);

    await expect(fetchAuthenticationMethods({ baseUrl: base, token: 'not-a-token' }, [withPhone])).rejects.toThrow(/HTTP 401/);
  });

  it('guardline users from-auth0 writes an import file with the hashes and the phones joined in', async () => {
    const base = await listening();
    const token = await managementToken(ctx());
    const userId = await userWithPhone('joined@example.com', '+14155550123');
    const dir = await mkdtemp(join(tmpdir(), 'gl-from-auth0-'));
    const bareId = userId.slice('auth0|'.length);
    await writeFile(join(dir, 'users.json.gz'), gzipSync(`${JSON.stringify({ user_id: userId, email: 'joined@example.com', email_verified: true })}\n${JSON.stringify({ user_id: 'github|9', email: 'gh@example.com' })}\n`));
    const hash = '$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy';
    await writeFile(join(dir, 'hashes.json'), `${JSON.stringify({ _id: { $oid: bareId }, email: 'joined@example.com', passwordHash: hash })}\n`);

    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: () => {}, env: { AUTH0_MANAGEMENT_TOKEN: token }, cwd: dir, readStdin: async () => '' };
    const code = await runCli(['users', 'from-auth0', '--users', 'users.json.gz', '--password-hashes', 'hashes.json', '--auth0-domain', base, '--out', 'import.json'], io);
    expect(code).toBe(0);
    expect(JSON.parse(await readFile(join(dir, 'import.json'), 'utf8'))).toEqual([
      { user_id: bareId, email: 'joined@example.com', email_verified: true, password_hash: hash, mfa_factors: [{ phone: { value: '+14155550123' } }] },
    ]);
    expect(out[0]).toBe('1 of 2 users written to import.json: 1 with a password hash, 1 with a phone enrolment, 1 skipped.');
    expect(out[1]).toContain('skipped  github|9');

    const noToken = await runCli(['users', 'from-auth0', '--users', 'users.json.gz', '--auth0-domain', base, '--out', 'x.json'], { ...io, env: {} });
    expect(noToken).toBe(2);
  });
});
