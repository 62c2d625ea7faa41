import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { PASSWORD, basic, createClient, createUser, logsOf, tokenRequest, verifyWithJwks } from './helpers.js';

describe.each(DIALECTS)('refresh_token grant (%s)', (dialect) => {
  const ctx = useTestContext(dialect);

  async function issued(scope = 'openid profile offline_access') {
    const client = await createClient(ctx());
    const user = await createUser(ctx());
    const body = (
      await tokenRequest(ctx(), { grant_type: 'password', client_id: client.client_id, client_secret: client.client_secret!, username: user.email, password: PASSWORD, scope })
    ).json();
    return { client, user, refreshToken: body.refresh_token as string };
  }

  it('issues a new access token and id_token, keeps the refresh token valid, and logs sertft', async () => {
    const { client, user, refreshToken } = await issued();
    const params = { grant_type: 'refresh_token', client_id: client.client_id, client_secret: client.client_secret!, refresh_token: refreshToken };
    const first = await tokenRequest(ctx(), params);
    expect(first.statusCode).toBe(200);
    const body = first.json();
    expect(body.refresh_token).toBeUndefined();
    expect(body.scope).toBe('openid profile offline_access');
    expect((await verifyWithJwks(ctx(), body.access_token, `${ctx().tenant.issuer}userinfo`)).sub).toBe(user.user_id);
    expect((await verifyWithJwks(ctx(), body.id_token, client.client_id)).sub).toBe(user.user_id);
    const second = await tokenRequest(ctx(), params);
    expect(second.statusCode).toBe(200);
    const [entry] = await logsOf(ctx(), 'sertft');
    expect(entry).toMatchObject({ user_id: user.user_id, client_id: client.client_id });
    expect(JSON.stringify(await logsOf(ctx(), 'sertft'))).not.toContain(refreshToken);
  });

  it('accepts Basic client authentication and narrows the scope on request', async () => {
    const { client, refreshToken } = await issued();
    const response = await tokenRequest(
      ctx(),
      { grant_type: 'refresh_token', refresh_token: refreshToken, scope: 'openid' },
      { headers: { authorization: basic(client.client_id, client.client_secret!) } },
    );
    expect(response.statusCode).toBe(200);
    expect(response.json().scope).toBe('openid');
    expect(decodeJwt(response.json().access_token).scope).toBe('openid');
  });

  it('refuses a scope wider than the refresh token', async () => {
    const { client, refreshToken } = await issued('openid offline_access');
    const response = await tokenRequest(ctx(), { grant_type: 'refresh_token', client_id: client.client_id, client_secret: client.client_secret!, refresh_token: refreshToken, scope: 'openid email' });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({ error: 'invalid_scope', error_description: 'The refresh token was not granted the scope(s): email' });
  });

  it('refuses an unknown refresh token with invalid_grant and logs fertft', async () => {
    const { client } = await issued();
    const response = await tokenRequest(ctx(), { grant_type: 'refresh_token', client_id: client.client_id, client_secret: client.client_secret!, refresh_token: 'unknown' });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({ error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' });
    expect((await logsOf(ctx(), 'fertft'))[0]).toMatchObject({ client_id: client.client_id, description: 'Unknown or invalid refresh token.' });
  });

  it('refuses a revoked refresh token', async () => {
    const { client, user, refreshToken } = await issued();
    await ctx().services.deps.store.refreshTokens.revokeForUser(ctx().tenant.id, user.user_id, new Date().toISOString());
    const response = await tokenRequest(ctx(), { grant_type: 'refresh_token', client_id: client.client_id, client_secret: client.client_secret!, refresh_token: refreshToken });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({ error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' });
  });

  it('refuses a refresh token of another client', async () => {
    const { refreshToken } = await issued();
    const other = await createClient(ctx());
    const response = await tokenRequest(ctx(), { grant_type: 'refresh_token', client_id: other.client_id, client_secret: other.client_secret!, refresh_token: refreshToken });
    expect(response.json()).toEqual({ error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' });
  });

  it('refuses a blocked user with 401 user is blocked', async () => {
    const { client, user, refreshToken } = await issued();
    await ctx().services.users.update(ctx().tenant, user.user_id, { blocked: true });
    const response = await tokenRequest(ctx(), { grant_type: 'refresh_token', client_id: client.client_id, client_secret: client.client_secret!, refresh_token: refreshToken });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ error: 'unauthorized', error_description: 'user is blocked' });
  });

  it('requires the refresh_token parameter and the grant on the client', async () => {
    const { client } = await issued();
    const missing = await tokenRequest(ctx(), { grant_type: 'refresh_token', client_id: client.client_id, client_secret: client.client_secret! });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toEqual({ error: 'invalid_request', error_description: 'Missing required parameter: refresh_token' });
    const noGrant = await createClient(ctx(), { grant_types: ['password'] });
    const refused = await tokenRequest(ctx(), { grant_type: 'refresh_token', client_id: noGrant.client_id, client_secret: noGrant.client_secret!, refresh_token: 'x' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toEqual({ error: 'unauthorized_client', error_description: "Grant type 'refresh_token' not allowed for the client." });
  });
});
