/**
 * docs/migrating-from-auth0.md, step by step: every command and call the page shows, run in the order it shows
 * them, from the fixture Auth0 data (test/migration/fixtures/auth0) to a user logging in with their old
 * password and being asked for a code on the phone they enrolled at Auth0.
 */
import { copyFile, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { GRANT_TYPES } from '../../src/domain/grant-types.js';
import { createClient, tokenRequest } from '../auth/helpers.js';
import { managementApi } from '../management/support.js';
import { challenge, enablePhoneFactor, latestCode, mfaApi, oobExchange } from '../mfa/support.js';
import { DIALECTS, useTestContext } from '../support/harness.js';

const FIXTURES = new URL('./fixtures/auth0/', import.meta.url);
const HANAKO = { email: 'hanako@example.jp', password: 'Hanako-pass-2024', phone: '+819012345678' };
const SAM = { email: 'sam@example.com', password: 'Sam-pass-2023!' };

/** A multipart/form-data body as curl -F sends it. */
function multipart(fields: Record<string, string>, file: { name: string; filename: string; content: string }) {
  const boundary = `----guardline${Math.random().toString(16).slice(2)}`;
  const parts = Object.entries(fields).map(([name, value]) => `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  parts.push(`--${boundary}\r\ncontent-disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\ncontent-type: application/json\r\n\r\n${file.content}\r\n`);
  return { payload: `${parts.join('')}--${boundary}--\r\n`, contentType: `multipart/form-data; boundary=${boundary}` };
}

describe.each(DIALECTS)('migrating from Auth0, as docs/migrating-from-auth0.md walks it (%s)', (dialect) => {
  const ctx = useTestContext(dialect);
  const api = managementApi(ctx);

  it('steps 3–6: Auth0’s exports → one import file → the import job → a login with the old password and the old phone', async () => {
    // Step 3: the three pieces Auth0 gives (here, the fixtures).
    const dir = await mkdtemp(join(tmpdir(), 'gl-walkthrough-'));
    for (const file of ['users.ndjson', 'password-hashes.ndjson', 'authentication-methods.ndjson']) await copyFile(new URL(file, FIXTURES), join(dir, file));

    // Step 4: guardline users from-auth0.
    const out: string[] = [];
    const io = { out: (line: string) => out.push(line), err: () => {}, env: {}, cwd: dir, readStdin: async () => '' };
    const code = await runCli(
      ['users', 'from-auth0', '--users', 'users.ndjson', '--password-hashes', 'password-hashes.ndjson', '--enrolments', 'authentication-methods.ndjson', '--connection', 'Username-Password-Authentication', '--out', 'import.json'],
      io,
    );
    expect(code).toBe(0);
    expect(out[0]).toBe('2 of 3 users written to import.json: 2 with a password hash, 1 with a phone enrolment, 1 skipped.');
    expect(out).toContain("  partial  auth0|legacy-42: a totp enrolment was left out: Guardline's factor is the phone");
    const importFile = await readFile(join(dir, 'import.json'), 'utf8');

    // Step 5: the import job, as Auth0's curl -F call sends it.
    const connections = (await api.call('GET', '/connections')).json() as Array<{ id: string; name: string }>;
    const connection = connections.find((c) => c.name === 'Username-Password-Authentication')!;
    const body = multipart({ connection_id: connection.id, upsert: 'false', external_id: 'from-auth0' }, { name: 'users', filename: 'import.json', content: importFile });
    const created = await api.call('POST', '/jobs/users-imports', { payload: body.payload, headers: { 'content-type': body.contentType } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ status: 'pending', type: 'users_import', connection_id: connection.id, external_id: 'from-auth0' });
    const jobId = created.json().id as string;

    let job: { status: string; summary?: Record<string, number> } = created.json();
    for (let i = 0; i < 200 && (job.status === 'pending' || job.status === 'processing'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      job = (await api.call('GET', `/jobs/${jobId}`)).json();
    }
    expect(job).toMatchObject({ status: 'completed', summary: { inserted: 2, updated: 0, failed: 0, total: 2 } });

    // Step 6: the application changes only its domain; MFA is on as it was at Auth0 (a0deploy brought it in step 2).
    await enablePhoneFactor(ctx());
    const client = await createClient(ctx(), { grant_types: ['password', GRANT_TYPES.mfaOob] });
    const clientAuth = { client_id: client.client_id, client_secret: client.client_secret! };

    // Hanako: her Auth0 password, then a code on the phone she enrolled at Auth0 — no enrolment.
    const first = await tokenRequest(ctx(), { grant_type: 'password', ...clientAuth, username: HANAKO.email, password: HANAKO.password });
    expect(first.statusCode).toBe(403);
    expect(first.json().error).toBe('mfa_required');
    const mfaToken = first.json().mfa_token as string;
    const authenticators = (await mfaApi(ctx(), 'GET', '/mfa/authenticators', { bearer: mfaToken })).json() as Array<{ id: string; active: boolean; oob_channel?: string }>;
    expect(authenticators).toEqual([expect.objectContaining({ active: true, oob_channel: 'sms' })]);
    const sent = await challenge(ctx(), clientAuth, mfaToken, { authenticator_id: authenticators[0]!.id });
    expect(sent.statusCode).toBe(200);
    const tokens = await oobExchange(ctx(), clientAuth, mfaToken, sent.json().oob_code, await latestCode(ctx(), HANAKO.phone));
    expect(tokens.statusCode).toBe(200);
    expect(tokens.json().access_token).toEqual(expect.any(String));

    // Sam: his password works; his TOTP app did not come over, so MFA asks him to enrol a phone.
    const sam = await tokenRequest(ctx(), { grant_type: 'password', ...clientAuth, username: SAM.email, password: SAM.password });
    expect(sam.statusCode).toBe(403);
    const samAuthenticators = (await mfaApi(ctx(), 'GET', '/mfa/authenticators', { bearer: sam.json().mfa_token })).json();
    expect(samAuthenticators).toEqual([]);

    // The import kept the Auth0 ids and profiles, and the first login replaced the bcrypt hash.
    const imported = (await api.call('GET', `/users/${encodeURIComponent('auth0|65a1f0c2e4b0a1b2c3d4e5f6')}`)).json();
    expect(imported).toMatchObject({ email: HANAKO.email, email_verified: true, name: '山田 花子', user_metadata: { locale: 'ja' }, app_metadata: { plan: 'pro' } });
    const wrong = await tokenRequest(ctx(), { grant_type: 'password', ...clientAuth, username: HANAKO.email, password: 'not-her-password' });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error).toBe('invalid_grant');
  });
});
