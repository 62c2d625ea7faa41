import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { managementApi } from '../management/support.js';
import { CALLBACK, createClient, createUser, logsOf, obtainCode, pkcePair, tokenRequest } from './helpers.js';

describe.each(DIALECTS)('refresh-token rotation for useRefreshTokens (%s)', (dialect) => {
  const clock = new ManualClock();
  const ctx = useTestContext(dialect, { clock });
  const api = managementApi(ctx);

  /** A public SPA with Auth0's rotating refresh tokens, and a first refresh token from the code flow (offline_access). */
  async function rotating(policy: Record<string, unknown> = {}) {
    const client = await createClient(ctx(), {
      app_type: 'spa',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      refresh_token: { rotation_type: 'rotating', ...policy },
    });
    const user = await createUser(ctx());
    const { verifier, challenge } = pkcePair();
    const { code } = await obtainCode(ctx(), client, user.email, { code_challenge: challenge, code_challenge_method: 'S256' });
    const tokens = await tokenRequest(ctx(), { grant_type: 'authorization_code', client_id: client.client_id, code, redirect_uri: CALLBACK, code_verifier: verifier });
    expect(tokens.statusCode).toBe(200);
    const refreshToken = tokens.json().refresh_token as string;
    expect(refreshToken).toBeTruthy();
    return { client, user, refreshToken };
  }
  const refresh = (clientId: string, refreshToken: string) => tokenRequest(ctx(), { grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken });

  it('the Management API takes and returns Auth0 refresh_token objects; rotation turns expiry on', async () => {
    const created = await api.call('POST', '/clients', { payload: { name: 'SPA', app_type: 'spa', refresh_token: { rotation_type: 'rotating', leeway: 10 } } });
    expect(created.statusCode).toBe(201);
    expect(created.json().refresh_token).toEqual({
      rotation_type: 'rotating',
      expiration_type: 'expiring',
      leeway: 10,
      token_lifetime: 2_592_000,
      infinite_token_lifetime: false,
      idle_token_lifetime: 1_296_000,
      infinite_idle_token_lifetime: false,
    });
    const plain = await api.call('POST', '/clients', { payload: { name: 'Web' } });
    expect(plain.json().refresh_token).toMatchObject({ rotation_type: 'non-rotating', expiration_type: 'non-expiring' });
    const bad = await api.call('PATCH', `/clients/${created.json().client_id}`, { payload: { refresh_token: { expiration_type: 'non-expiring' } } });
    expect(bad.statusCode).toBe(400);
    expect((await api.call('PATCH', `/clients/${created.json().client_id}`, { payload: { refresh_token: { nonsense: 1 } } })).statusCode).toBe(400);
  });

  it('each refresh returns a new refresh token; the successor works and keeps the scope', async () => {
    const { client, refreshToken } = await rotating();
    const first = await refresh(client.client_id, refreshToken);
    expect(first.statusCode).toBe(200);
    const next = first.json().refresh_token as string;
    expect(next).toBeTruthy();
    expect(next).not.toBe(refreshToken);
    const narrowed = await tokenRequest(ctx(), { grant_type: 'refresh_token', client_id: client.client_id, refresh_token: next, scope: 'openid' });
    expect(narrowed.json().scope).toBe('openid');
    const third = await refresh(client.client_id, narrowed.json().refresh_token);
    expect(third.json().scope).toBe('openid profile email offline_access');
  });

  it('reuse of a rotated token revokes the whole family (ferrt), the newest token included', async () => {
    const { client, refreshToken } = await rotating();
    const next = (await refresh(client.client_id, refreshToken)).json().refresh_token as string;
    clock.advance(1000);
    const reuse = await refresh(client.client_id, refreshToken);
    expect(reuse.statusCode).toBe(403);
    expect(reuse.json()).toEqual({ error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' });
    expect(await logsOf(ctx(), 'ferrt')).toHaveLength(1);
    expect((await refresh(client.client_id, next)).statusCode).toBe(403);
  });

  it('within the leeway a rotated token may be used again, and its family lives on', async () => {
    const { client, refreshToken } = await rotating({ leeway: 30 });
    const a = (await refresh(client.client_id, refreshToken)).json().refresh_token as string;
    clock.advance(10_000);
    const again = await refresh(client.client_id, refreshToken);
    expect(again.statusCode).toBe(200);
    expect((await refresh(client.client_id, a)).statusCode).toBe(200);
    clock.advance(31_000);
    expect((await refresh(client.client_id, refreshToken)).statusCode).toBe(403);
  });

  it('expires a rotating family after its absolute lifetime, a non-expiring token never', async () => {
    const { client, refreshToken } = await rotating({ token_lifetime: 3600, idle_token_lifetime: 1800 });
    clock.advance(1000 * 1000);
    const next = (await refresh(client.client_id, refreshToken)).json().refresh_token as string;
    clock.advance(1000 * 1000);
    const last = (await refresh(client.client_id, next)).json().refresh_token as string;
    clock.advance(1700 * 1000); // idle not yet over, but the family is older than an hour
    expect((await refresh(client.client_id, last)).statusCode).toBe(403);

    const plain = await createClient(ctx(), { app_type: 'spa', token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'] });
    const user = await createUser(ctx());
    const { verifier, challenge } = pkcePair();
    const { code } = await obtainCode(ctx(), plain, user.email, { code_challenge: challenge, code_challenge_method: 'S256' });
    const rt = (await tokenRequest(ctx(), { grant_type: 'authorization_code', client_id: plain.client_id, code, redirect_uri: CALLBACK, code_verifier: verifier })).json().refresh_token as string;
    clock.advance(400 * 86_400_000);
    const response = await refresh(plain.client_id, rt);
    expect(response.statusCode).toBe(200);
    expect(response.json().refresh_token).toBeUndefined();
  });
});
