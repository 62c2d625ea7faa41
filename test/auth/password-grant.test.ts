import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { PASSWORD, basic, createClient, createUser, logsOf, tokenRequest, verifyWithJwks } from './helpers.js';

describe.each(DIALECTS)('password grant (%s)', (dialect) => {
  const ctx = useTestContext(dialect);

  async function setup(clientInput = {}) {
    const client = await createClient(ctx(), clientInput);
    const user = await createUser(ctx(), { name: 'Hanako Yamada' });
    const base = { grant_type: 'password', client_id: client.client_id, client_secret: client.client_secret!, username: user.email, password: PASSWORD };
    return { client, user, base };
  }

  it('issues access, id and refresh tokens that verify against the JWKS, and logs sepft', async () => {
    const { client, user, base } = await setup();
    const response = await tokenRequest(ctx(), { ...base, scope: 'openid profile email offline_access' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.json();
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 86400, scope: 'openid profile email offline_access' });
    expect(body.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const access = await verifyWithJwks(ctx(), body.access_token, `${ctx().tenant.issuer}userinfo`);
    expect(access).toMatchObject({ sub: user.user_id, azp: client.client_id, scope: 'openid profile email offline_access', gty: 'password' });
    const id = await verifyWithJwks(ctx(), body.id_token, client.client_id);
    expect(id).toMatchObject({ sub: user.user_id, name: 'Hanako Yamada', email: user.email, email_verified: true, iss: ctx().tenant.issuer });
    expect(id.nickname).toBe(user.email.split('@')[0]);
    expect(typeof id.updated_at).toBe('string');
    expect(typeof id.picture).toBe('string');

    const [entry] = await logsOf(ctx(), 'sepft');
    expect(entry).toMatchObject({ type: 'sepft', client_id: client.client_id, user_id: user.user_id });
    expect(JSON.stringify(entry)).not.toContain(PASSWORD);
    expect((await ctx().services.users.get(ctx().tenant, user.user_id)).logins_count).toBe(1);
  });

  it('puts only the claims of the granted scopes in the id_token', async () => {
    const { base, user } = await setup();
    const body = (await tokenRequest(ctx(), { ...base, scope: 'openid email' })).json();
    const id = decodeJwt(body.id_token);
    expect(id.email).toBe(user.email);
    expect(id.name).toBeUndefined();
    expect(body.refresh_token).toBeUndefined();
  });

  it('issues no id_token without openid and an access token for /userinfo without audience', async () => {
    const { base } = await setup();
    const body = (await tokenRequest(ctx(), base)).json();
    expect(body.id_token).toBeUndefined();
    expect(decodeJwt(body.access_token).aud).toBe(`${ctx().tenant.issuer}userinfo`);
  });

  it('accepts client authentication by HTTP Basic', async () => {
    const { client, base } = await setup();
    const { client_secret: _secret, client_id: _id, ...rest } = base;
    const response = await tokenRequest(ctx(), { ...rest, scope: 'openid' }, { headers: { authorization: basic(client.client_id, client.client_secret!) } });
    expect(response.statusCode).toBe(200);
    expect(response.json().id_token).toBeDefined();
  });

  it('drops offline_access for a client without the refresh_token grant', async () => {
    const { base } = await setup({ grant_types: ['password'] });
    const body = (await tokenRequest(ctx(), { ...base, scope: 'openid offline_access' })).json();
    expect(body.scope).toBe('openid');
    expect(body.refresh_token).toBeUndefined();
  });

  it('answers 403 "Wrong email or password." to a wrong password, logging fp and fepft', async () => {
    const { base, user } = await setup();
    const response = await tokenRequest(ctx(), { ...base, password: 'not the password' });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({ error: 'invalid_grant', error_description: 'Wrong email or password.' });
    expect((await logsOf(ctx(), 'fp'))[0]).toMatchObject({ user_name: user.email });
    expect((await logsOf(ctx(), 'fepft'))[0]).toMatchObject({ description: 'Wrong email or password.', user_name: user.email });
    expect(JSON.stringify(await logsOf(ctx(), 'fp'))).not.toContain('not the password');
  });

  it('answers the same to an unknown user, logging fu', async () => {
    const { base } = await setup();
    const response = await tokenRequest(ctx(), { ...base, username: 'nobody@example.com' });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({ error: 'invalid_grant', error_description: 'Wrong email or password.' });
    expect((await logsOf(ctx(), 'fu'))[0]).toMatchObject({ user_name: 'nobody@example.com' });
  });

  it('answers 401 "user is blocked" to a blocked user with the right password', async () => {
    const { client } = await setup();
    const blocked = await createUser(ctx(), { blocked: true });
    const response = await tokenRequest(ctx(), { grant_type: 'password', client_id: client.client_id, client_secret: client.client_secret!, username: blocked.email, password: PASSWORD });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ error: 'unauthorized', error_description: 'user is blocked' });
  });

  it('refuses the Management API audience for a user with access_denied', async () => {
    const { base } = await setup();
    const response = await tokenRequest(ctx(), { ...base, audience: ctx().tenant.managementAudience });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({ error: 'access_denied', error_description: 'The Management API cannot be requested on behalf of a user' });
  });

  it('refuses an unknown audience with access_denied', async () => {
    const { base } = await setup();
    const response = await tokenRequest(ctx(), { ...base, audience: 'https://api.example/' });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({ error: 'access_denied', error_description: 'Service not found: https://api.example/' });
  });

  it('refuses a client not allowed the password grant', async () => {
    const { base } = await setup({ grant_types: ['authorization_code'] });
    const response = await tokenRequest(ctx(), base);
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({ error: 'unauthorized_client', error_description: "Grant type 'password' not allowed for the client." });
  });

  it('answers 401 invalid_client to a wrong client secret, in the body or in Basic', async () => {
    const { client, base } = await setup();
    const inBody = await tokenRequest(ctx(), { ...base, client_secret: 'wrong' });
    expect(inBody.statusCode).toBe(401);
    expect(inBody.json()).toEqual({ error: 'invalid_client', error_description: 'Unauthorized' });
    const { client_secret: _s, client_id: _i, ...rest } = base;
    const inHeader = await tokenRequest(ctx(), rest, { headers: { authorization: basic(client.client_id, 'wrong') } });
    expect(inHeader.statusCode).toBe(401);
    expect(inHeader.json()).toEqual({ error: 'invalid_client', error_description: 'Unauthorized' });
  });

  it('requires username and password', async () => {
    const { base } = await setup();
    const { username: _u, ...noUser } = base;
    const missingUser = await tokenRequest(ctx(), noUser);
    expect(missingUser.statusCode).toBe(400);
    expect(missingUser.json()).toEqual({ error: 'invalid_request', error_description: 'Missing required parameter: username' });
    const { password: _p, ...noPassword } = base;
    const missingPassword = await tokenRequest(ctx(), noPassword);
    expect(missingPassword.json()).toEqual({ error: 'invalid_request', error_description: 'Missing required parameter: password' });
  });

  it('lets a public client use the grant without a secret', async () => {
    const client = await createClient(ctx(), { app_type: 'native', grant_types: ['password'] });
    const user = await createUser(ctx());
    const response = await tokenRequest(ctx(), { grant_type: 'password', client_id: client.client_id, username: user.email, password: PASSWORD });
    expect(response.statusCode).toBe(200);
  });
});
