import { describe, expect, it } from 'vitest';
import type { Tenant } from '../../src/services/tenants.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { PASSWORD, createClient, createUser, tokenRequest, verifyWithJwks } from './helpers.js';

describe.each(DIALECTS)('discovery, JWKS and /userinfo (%s)', (dialect) => {
  const ctx = useTestContext(dialect);

  async function userToken(scope: string, tenant: Tenant = ctx().tenant) {
    const client = await createClient(ctx(), {}, tenant);
    const user = await createUser(ctx(), { name: 'Taro' }, tenant);
    const response = await tokenRequest(
      ctx(),
      { grant_type: 'password', client_id: client.client_id, client_secret: client.client_secret!, username: user.email, password: PASSWORD, scope },
      { host: tenant.domain },
    );
    return { user, client, body: response.json() };
  }

  const userinfo = (token: string, host = ctx().tenant.domain) =>
    ctx().app.inject({ method: 'GET', url: '/userinfo', headers: { host, authorization: `Bearer ${token}` } });

  it('publishes OpenID Provider metadata for the tenant', async () => {
    const response = await ctx().app.inject({ method: 'GET', url: '/.well-known/openid-configuration', headers: { host: ctx().tenant.domain } });
    expect(response.statusCode).toBe(200);
    const issuer = ctx().tenant.issuer;
    expect(response.json()).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}authorize`,
      token_endpoint: `${issuer}oauth/token`,
      userinfo_endpoint: `${issuer}userinfo`,
      jwks_uri: `${issuer}.well-known/jwks.json`,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    });
    expect(response.json().grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token', 'password', 'client_credentials']));
  });

  it('publishes metadata with the issuer of each tenant', async () => {
    const acme = (await ctx().services.tenants.findByName('acme')) ?? (await ctx().services.tenants.create({ name: 'acme' }));
    const response = await ctx().app.inject({ method: 'GET', url: '/.well-known/openid-configuration', headers: { host: 'acme.guardline.test' } });
    expect(response.json().issuer).toBe('http://acme.guardline.test/');
    expect(acme.issuer).toBe('http://acme.guardline.test/');
  });

  it('returns the claims of the token scopes from /userinfo', async () => {
    const { user, body } = await userToken('openid profile email');
    const response = await userinfo(body.access_token);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ sub: user.user_id, name: 'Taro', email: user.email, email_verified: true });
    const narrow = await userToken('openid');
    expect((await userinfo(narrow.body.access_token)).json()).toEqual({ sub: narrow.user.user_id });
  });

  it('refuses /userinfo without a token, with a bad token and with a Management API token', async () => {
    const none = await ctx().app.inject({ method: 'GET', url: '/userinfo', headers: { host: ctx().tenant.domain } });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toEqual({ error: 'unauthorized', error_description: 'Missing or malformed Bearer token' });
    expect(none.headers['www-authenticate']).toContain('Bearer error="invalid_token"');
    const garbage = await userinfo('abc.def.ghi');
    expect(garbage.statusCode).toBe(401);
    const management = await tokenRequest(ctx(), {
      grant_type: 'client_credentials',
      client_id: ctx().admin.clientId,
      client_secret: ctx().admin.clientSecret,
      audience: ctx().tenant.managementAudience,
    });
    const refused = await userinfo(management.json().access_token);
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toEqual({ error: 'unauthorized', error_description: 'Bad audience' });
  });

  it("refuses a token of tenant A on tenant B's /userinfo", async () => {
    const acme = (await ctx().services.tenants.findByName('acme')) ?? (await ctx().services.tenants.create({ name: 'acme' }));
    const onDefault = await userToken('openid');
    const onAcme = await userinfo(onDefault.body.access_token, 'acme.guardline.test');
    expect(onAcme.statusCode).toBe(401);
    expect(onAcme.json().error).toBe('unauthorized');
    const acmeToken = await userToken('openid', acme);
    expect((await userinfo(acmeToken.body.access_token, 'acme.guardline.test')).statusCode).toBe(200);
    expect((await userinfo(acmeToken.body.access_token)).statusCode).toBe(401);
  });

  it('keeps tokens of the previous key valid after rotation, while that key stays in the JWKS', async () => {
    const { client, body } = await userToken('openid');
    const before = (await ctx().app.inject({ method: 'GET', url: '/.well-known/jwks.json', headers: { host: ctx().tenant.domain } })).json();
    const oldKid = JSON.parse(Buffer.from(body.access_token.split('.')[0], 'base64url').toString()).kid;
    expect(before.keys.map((k: { kid: string }) => k.kid)).toContain(oldKid);
    expect(before.keys.every((k: Record<string, unknown>) => k.d === undefined && k.p === undefined)).toBe(true);

    await ctx().services.signingKeys.rotate(ctx().tenant.id);
    const after = (await ctx().app.inject({ method: 'GET', url: '/.well-known/jwks.json', headers: { host: ctx().tenant.domain } })).json();
    expect(after.keys.map((k: { kid: string }) => k.kid)).toContain(oldKid);
    expect((await userinfo(body.access_token)).statusCode).toBe(200);
    await verifyWithJwks(ctx(), body.id_token, client.client_id);

    const fresh = await userToken('openid');
    const newKid = JSON.parse(Buffer.from(fresh.body.access_token.split('.')[0], 'base64url').toString()).kid;
    expect(newKid).not.toBe(oldKid);
    await verifyWithJwks(ctx(), fresh.body.access_token, `${ctx().tenant.issuer}userinfo`);

    await ctx().services.signingKeys.revoke(ctx().tenant.id, oldKid);
    expect((await userinfo(body.access_token)).statusCode).toBe(401);
    const revoked = (await ctx().app.inject({ method: 'GET', url: '/.well-known/jwks.json', headers: { host: ctx().tenant.domain } })).json();
    expect(revoked.keys.map((k: { kid: string }) => k.kid)).not.toContain(oldKid);
  });
});
