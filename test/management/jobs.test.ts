import { gunzipSync } from 'node:zlib';
import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import type { ManualClock } from '../../src/domain/clock.js';
import { createUserJobs } from '../../src/services/user-jobs.js';
import { createStore, type Store } from '../../src/store/store.js';
import { GRANT_TYPES } from '../../src/domain/grant-types.js';
import { createClient, tokenRequest } from '../auth/helpers.js';
import { enablePhoneFactor, mfaApi } from '../mfa/support.js';
import { DIALECTS, tokenWithScopes, useTestContext } from '../support/harness.js';
import { acmeToken, managementApi } from './support.js';

const PASSWORD = 'Imported-pass-1';
const HASH = bcrypt.hashSync(PASSWORD, 4);

function multipart(fields: Record<string, string>, file?: { name: string; content: string }) {
  const boundary = `----gl${Math.random().toString(16).slice(2)}`;
  const parts = Object.entries(fields).map(([name, value]) => `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  if (file) parts.push(`--${boundary}\r\ncontent-disposition: form-data; name="${file.name}"; filename="users.json"\r\ncontent-type: application/json\r\n\r\n${file.content}\r\n`);
  return { payload: `${parts.join('')}--${boundary}--\r\n`, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe.each(DIALECTS)('Management API: users import and export jobs (%s)', (dialect) => {
  const ctx = useTestContext(dialect);
  const api = managementApi(ctx);

  async function connectionId(): Promise<string> {
    const list = (await api.call('GET', '/connections')).json() as Array<{ id: string; name: string }>;
    return list.find((c) => c.name === 'Username-Password-Authentication')!.id;
  }

  async function runImport(users: unknown[] | string, fields: Record<string, string> = {}, token?: string) {
    const body = multipart({ connection_id: await connectionId(), ...fields }, { name: 'users', content: typeof users === 'string' ? users : JSON.stringify(users) });
    const created = await api.call('POST', '/jobs/users-imports', { ...body, ...(token ? { token } : {}) });
    if (created.statusCode !== 201) return { created, job: undefined };
    await ctx().services.userJobs.settle();
    const job = (await api.call('GET', `/jobs/${created.json().id}`)).json();
    return { created, job };
  }

  it('imports every field, reports bad rows in Auth0’s shape while the good rows import, and is exact under re-runs', async () => {
    const users = [
      {
        email: 'Full@Example.com', email_verified: true, user_id: 'full-1', username: 'full_user', given_name: 'Full', family_name: 'User', name: 'Full User',
        nickname: 'fu', picture: 'https://example.com/p.png', blocked: false, phone_number: '+14155550123', user_metadata: { a: 1 }, app_metadata: { plan: 'pro' },
        password_hash: HASH, mfa_factors: [{ phone: { value: '+14155552671' } }],
      },
      { email: 'not-an-email' },
      { email: 'reserved@example.com', app_metadata: { blocked: true } },
      { email: 'hash@example.com', custom_password_hash: { algorithm: 'sha256', hash: { value: 'zz' } } },
      { email: 'totp@example.com', mfa_factors: [{ totp: { secret: 'JBSWY3DPEHPK3PXP' } }] },
      { email: 'second@example.com', password_hash: HASH },
    ];
    const first = await runImport(users, { upsert: 'false', external_id: 'batch-1' });
    expect(first.created.json()).toMatchObject({ type: 'users_import', status: 'pending', external_id: 'batch-1', connection: 'Username-Password-Authentication' });
    expect(first.created.json().id).toMatch(/^job_[A-Za-z0-9]{16}$/);
    expect(first.job).toMatchObject({ status: 'completed', summary: { inserted: 2, updated: 0, failed: 4, total: 6 } });

    const errors = (await api.call('GET', `/jobs/${first.job.id}/errors`)).json();
    expect(errors.map((e: { user: { email: string }; errors: Array<{ code: string; path: string }> }) => [e.user.email, e.errors.map((x) => `${x.code} ${x.path}`)])).toEqual([
      ['not-an-email', ['INVALID_FORMAT email']],
      ['reserved@example.com', ['INVALID_FORMAT app_metadata.blocked']],
      ['hash@example.com', ['INVALID_FORMAT custom_password_hash']],
      ['totp@example.com', ['UNSUPPORTED_FACTOR mfa_factors.0.totp']],
    ]);
    expect(JSON.stringify(errors)).not.toContain('"hash"');

    const full = (await api.call('GET', `/users/${encodeURIComponent('auth0|full-1')}`)).json();
    expect(full).toMatchObject({
      email: 'full@example.com', email_verified: true, username: 'full_user', given_name: 'Full', family_name: 'User', name: 'Full User', nickname: 'fu',
      picture: 'https://example.com/p.png', blocked: false, phone_number: '+14155550123', user_metadata: { a: 1 }, app_metadata: { plan: 'pro' },
    });
    const methods = (await api.call('GET', `/users/${encodeURIComponent('auth0|full-1')}/authentication-methods`)).json();
    expect(methods).toEqual([expect.objectContaining({ type: 'phone', confirmed: true, phone_number: '+14155552671' })]);

    // The imported phone is challenged at the next login; nothing asks to enrol.
    await enablePhoneFactor(ctx());
    const client = await createClient(ctx(), { grant_types: ['password', GRANT_TYPES.mfaOob] });
    const login = await tokenRequest(ctx(), { grant_type: 'password', client_id: client.client_id, client_secret: client.client_secret!, username: 'full@example.com', password: PASSWORD });
    expect(login.json().error).toBe('mfa_required');
    const authenticators = (await mfaApi(ctx(), 'GET', '/mfa/authenticators', { bearer: login.json().mfa_token })).json();
    expect(authenticators).toEqual([expect.objectContaining({ active: true, oob_channel: 'sms' })]);

    // The same file again without upsert: every good row is a duplicate, nothing changes.
    const again = await runImport(users.filter((_, i) => i === 0 || i === 5));
    expect(again.job.summary).toEqual({ inserted: 0, updated: 0, failed: 2, total: 2 });
    expect((await api.call('GET', `/jobs/${again.job.id}/errors`)).json().map((e: { errors: Array<{ code: string }> }) => e.errors[0]!.code)).toEqual(['DUPLICATED_USER', 'DUPLICATED_USER']);
    expect((await api.call('GET', `/users/${encodeURIComponent('auth0|full-1')}`)).json().name).toBe('Full User');

    // With upsert: both updated, exactly once, the given fields replaced.
    const upsert = await runImport([{ ...users[0], name: 'Renamed', user_metadata: { b: 2 } }, users[5]], { upsert: 'true' });
    expect(upsert.job.summary).toEqual({ inserted: 0, updated: 2, failed: 0, total: 2 });
    expect((await api.call('GET', `/users/${encodeURIComponent('auth0|full-1')}`)).json()).toMatchObject({ name: 'Renamed', user_metadata: { b: 2 } });
    expect((await api.call('GET', `/users/${encodeURIComponent('auth0|full-1')}/authentication-methods`)).json()).toHaveLength(1);
  });

  it('refuses bad requests in Auth0’s shape and writes nothing', async () => {
    const conn = await connectionId();
    const tooBig = multipart({ connection_id: conn }, { name: 'users', content: `[${'{"email":"a@example.com"},'.repeat(450_000)}{}]` });
    const big = await api.call('POST', '/jobs/users-imports', tooBig);
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ statusCode: 413, errorCode: 'payload_too_large' });

    const wrongConnection = await api.call('POST', '/jobs/users-imports', multipart({ connection_id: 'con_AAAAAAAAAAAAAAAA' }, { name: 'users', content: '[{"email":"x@example.com"}]' }));
    expect(wrongConnection.statusCode).toBe(400);
    expect(wrongConnection.json().errorCode).toBe('invalid_body');

    const noFile = await api.call('POST', '/jobs/users-imports', multipart({ connection_id: conn }));
    expect(noFile.statusCode).toBe(400);
    const notJson = await api.call('POST', '/jobs/users-imports', multipart({ connection_id: conn }, { name: 'users', content: '[{"email":' }));
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().message).toMatch(/not valid JSON/);
    const badFlag = await api.call('POST', '/jobs/users-imports', multipart({ connection_id: conn, upsert: 'maybe' }, { name: 'users', content: '[]' }));
    expect(badFlag.statusCode).toBe(400);

    // Multipart is accepted on this route only.
    const elsewhere = await api.call('POST', '/users', multipart({ email: 'x@example.com', connection: 'Username-Password-Authentication' }));
    expect(elsewhere.statusCode).toBe(415);

    const readOnly = await tokenWithScopes(ctx(), ['read:users']);
    const refused = await api.call('POST', '/jobs/users-imports', { ...multipart({ connection_id: conn }, { name: 'users', content: '[{"email":"x@example.com"}]' }), token: readOnly });
    expect(refused.statusCode).toBe(403);
    expect((await api.call('GET', '/jobs/job_AAAAAAAAAAAAAAAA')).statusCode).toBe(404);
    expect((await api.call('GET', '/jobs/job_AAAAAAAAAAAAAAAA')).json().errorCode).toBe('inexistent_job');
    expect((await api.call('GET', '/jobs/not-a-job')).statusCode).toBe(400);
    expect((await api.call('GET', '/users?q=email:x@example.com&search_engine=v3')).json()).toEqual([]);
  });

  it('another tenant’s job does not exist for this tenant', async () => {
    const { job } = await runImport([{ email: 'isolated@example.com' }]);
    const acme = await acmeToken(ctx);
    const seen = await api.call('GET', `/jobs/${job.id}`, { token: acme.token, host: acme.tenant.domain });
    expect(seen.statusCode).toBe(404);
  });

  it('a node that stops mid-job leaves it for the next, which finishes it without a row twice', async () => {
    const users = Array.from({ length: 300 }, (_, i) => ({ email: `bulk${i}@example.com`, user_id: `bulk-${i}` }));
    const created = await ctx().services.userJobs.createImport(ctx().tenant, { connection_id: await connectionId(), users: JSON.stringify(users) }, { start: false });

    // Node A: its storage goes away after 120 rows (a transaction that throws, as a killed process's would never commit).
    const store = createStore(ctx().handle.db, ctx().handle.dialect);
    let transactions = 0;
    const failing: Store = { ...store, transaction: (fn) => (++transactions > 120 ? Promise.reject(new Error('node A stopped')) : store.transaction(fn)) };
    const nodeA = createUserJobs({ ...ctx().services.deps, store: failing, importMaxBytes: 1 << 20 });
    await expect(nodeA.runDue()).rejects.toThrow('node A stopped');
    const halfway = (await api.call('GET', `/jobs/${created.id}`)).json();
    expect(halfway).toMatchObject({ status: 'processing', summary: { inserted: 120, total: 300 } });

    // Node B picks it up on its next poll.
    await ctx().services.userJobs.runDue();
    const done = (await api.call('GET', `/jobs/${created.id}`)).json();
    expect(done).toMatchObject({ status: 'completed', summary: { inserted: 300, updated: 0, failed: 0, total: 300 } });
    expect((await api.call('GET', `/jobs/${created.id}/errors`)).json()).toEqual([]);
    const listed = (await api.call('GET', '/users?q=email:bulk299@example.com&search_engine=v3')).json();
    expect(listed).toHaveLength(1);
  });

  it('exports json and csv, gzipped, with phones masked unless asked for, behind a link that expires', async () => {
    await runImport([{ email: 'export@example.com', user_id: 'exp-1', name: 'Export Me', password_hash: HASH, user_metadata: { plan: 'gold' }, mfa_factors: [{ phone: { value: '+819012345678' } }] }]);
    const refusedHash = await api.call('POST', '/jobs/users-exports', { payload: { format: 'json', fields: [{ name: 'password_hash' }] } });
    expect(refusedHash.statusCode).toBe(400);

    const created = await api.call('POST', '/jobs/users-exports', {
      payload: { connection_id: await connectionId(), format: 'json', fields: [{ name: 'user_id' }, { name: 'email' }, { name: 'user_metadata.plan', export_as: 'plan' }, { name: 'mfa_factors' }] },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ type: 'users_export', status: 'pending', format: 'json' });
    await ctx().services.userJobs.settle();
    const job = (await api.call('GET', `/jobs/${created.json().id}`));
    expect(job.headers['cache-control']).toBe('no-store');
    const location = job.json().location as string;
    expect(location).toMatch(new RegExp(`^${ctx().tenant.issuer}export-files/[A-Za-z0-9_-]{43}$`));
    const download = await ctx().app.inject({ method: 'GET', url: new URL(location).pathname });
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/gzip');
    const lines = gunzipSync(download.rawPayload).toString('utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toContainEqual({ user_id: 'auth0|exp-1', email: 'export@example.com', plan: 'gold', mfa_factors: [{ phone: { value: 'XXXXXXXX5678' } }] });

    const full = await api.call('POST', '/jobs/users-exports', { payload: { format: 'csv', fields: [{ name: 'email' }, { name: 'mfa_factors', include_secrets: true }, { name: 'password_hash', include_secrets: true }] } });
    await ctx().services.userJobs.settle();
    const csvUrl = new URL((await api.call('GET', `/jobs/${full.json().id}`)).json().location).pathname;
    const csv = gunzipSync((await ctx().app.inject({ method: 'GET', url: csvUrl })).rawPayload).toString('utf8').split('\r\n');
    expect(csv[0]).toBe('email,mfa_factors,password_hash');
    expect(csv).toContain(`export@example.com,"[{""phone"":{""value"":""+819012345678""}}]",${HASH}`);

    // An hour later the link is gone, and the job no longer shows it.
    (ctx().clock as ManualClock).advance(61 * 60_000);
    expect((await ctx().app.inject({ method: 'GET', url: csvUrl })).statusCode).toBe(404);
    expect((await api.call('GET', `/jobs/${full.json().id}`)).json().location).toBeUndefined();
    expect((await ctx().app.inject({ method: 'GET', url: '/export-files/nope' })).statusCode).toBe(404);
  });

  it('an export imports into a second tenant, and the users log in there with their password and phone', async () => {
    await runImport([{ email: 'mover@example.com', user_id: 'mover-1', password_hash: HASH, mfa_factors: [{ phone: { value: '+447400123456' } }] }]);
    const created = await api.call('POST', '/jobs/users-exports', {
      payload: { format: 'json', fields: [{ name: 'user_id' }, { name: 'email' }, { name: 'email_verified' }, { name: 'name' }, { name: 'password_hash', include_secrets: true }, { name: 'mfa_factors', include_secrets: true }] },
    });
    await ctx().services.userJobs.settle();
    const path = new URL((await api.call('GET', `/jobs/${created.json().id}`)).json().location).pathname;
    const ndjson = gunzipSync((await ctx().app.inject({ method: 'GET', url: path })).rawPayload).toString('utf8');

    const { tenant: secondTenant, token } = await acmeToken(ctx);
    const second = { tenant: secondTenant };
    const connections = (await api.call('GET', '/connections', { token, host: second.tenant.domain })).json() as Array<{ id: string }>;
    const body = multipart({ connection_id: connections[0]!.id }, { name: 'users', content: ndjson });
    const imported = await api.call('POST', '/jobs/users-imports', { ...body, token, host: second.tenant.domain });
    expect(imported.statusCode).toBe(201);
    await ctx().services.userJobs.settle();
    const job = (await api.call('GET', `/jobs/${imported.json().id}`, { token, host: second.tenant.domain })).json();
    expect(job.summary.failed).toBe(0);
    expect(job.summary.inserted).toBeGreaterThanOrEqual(1);

    await enablePhoneFactor(ctx(), {}, second.tenant);
    const client = await createClient(ctx(), { grant_types: ['password', GRANT_TYPES.mfaOob] }, second.tenant);
    const login = await tokenRequest(ctx(), { grant_type: 'password', client_id: client.client_id, client_secret: client.client_secret!, username: 'mover@example.com', password: PASSWORD }, { host: second.tenant.domain });
    expect(login.json().error).toBe('mfa_required');
    const list = (await mfaApi(ctx(), 'GET', '/mfa/authenticators', { bearer: login.json().mfa_token, host: second.tenant.domain })).json();
    expect(list).toEqual([expect.objectContaining({ active: true, oob_channel: 'sms' })]);
  });
});
