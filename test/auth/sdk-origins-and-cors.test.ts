import { describe, expect, it } from 'vitest';
import { originAllowed, originProblem } from '../../src/domain/web-origins.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { managementApi } from '../management/support.js';
import { PASSWORD, createClient, createUser, tokenRequest } from './helpers.js';

describe('web origins (Auth0 rules)', () => {
  it('accepts scheme, host and port, and one wildcard leftmost label; refuses paths, queries and stray wildcards', () => {
    for (const ok of ['https://app.example', 'http://127.0.0.1:5173', 'https://*.example.com', 'https://*.example.com:8443']) expect(originProblem(ok), ok).toBeUndefined();
    for (const bad of ['https://app.example/', 'https://app.example/path', 'https://app.example?x=1', 'ftp://app.example', 'app.example', 'https://a.*.example.com', 'https://user:pw@app.example', 'https://*']) {
      expect(originProblem(bad), bad).toBeDefined();
    }
  });

  it('matches the Origin header exactly, or one label under a wildcard', () => {
    expect(originAllowed('https://app.example', ['https://App.example'])).toBe(true);
    expect(originAllowed('https://app.example:443', ['https://app.example'])).toBe(true);
    expect(originAllowed('http://app.example', ['https://app.example'])).toBe(false);
    expect(originAllowed('https://app.example:8443', ['https://app.example'])).toBe(false);
    expect(originAllowed('https://a.example.com', ['https://*.example.com'])).toBe(true);
    expect(originAllowed('https://a.b.example.com', ['https://*.example.com'])).toBe(false);
    expect(originAllowed('https://example.com', ['https://*.example.com'])).toBe(false);
    expect(originAllowed('https://evilexample.com', ['https://*.example.com'])).toBe(false);
    expect(originAllowed('null', ['https://app.example'])).toBe(false);
  });
});

describe.each(DIALECTS)('client web_origins, allowed_origins and CORS (%s)', (dialect) => {
  const ctx = useTestContext(dialect);
  const api = managementApi(ctx);
  const SPA = 'https://spa.example';

  it('stores, returns and PATCHes web_origins and allowed_origins; refuses an origin with a path', async () => {
    const created = await api.call('POST', '/clients', { payload: { name: 'SPA', app_type: 'spa', web_origins: [SPA, 'https://*.spa.example'], allowed_origins: ['https://widget.example'] } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ web_origins: [SPA, 'https://*.spa.example'], allowed_origins: ['https://widget.example'], allowed_logout_urls: [] });
    const id = created.json().client_id as string;
    const patched = await api.call('PATCH', `/clients/${id}`, { payload: { web_origins: ['http://localhost:3000'], allowed_logout_urls: ['http://localhost:3000/bye'] } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ web_origins: ['http://localhost:3000'], allowed_origins: ['https://widget.example'], allowed_logout_urls: ['http://localhost:3000/bye'] });
    expect((await api.call('GET', `/clients/${id}`)).json().web_origins).toEqual(['http://localhost:3000']);

    const refused = await api.call('POST', '/clients', { payload: { name: 'Bad', web_origins: ['https://spa.example/app'] } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().message).toContain('web_origins');
  });

  async function spaWithToken() {
    const client = await createClient(ctx(), { app_type: 'spa', grant_types: ['password', 'refresh_token'], web_origins: [SPA] });
    const other = await createClient(ctx(), { web_origins: ['https://other.example'] });
    const user = await createUser(ctx());
    const tokens = (await tokenRequest(ctx(), { grant_type: 'password', client_id: client.client_id, username: user.email, password: PASSWORD, scope: 'openid' })).json();
    return { client, other, accessToken: tokens.access_token as string };
  }

  it('answers the preflight of a listed origin, and not of an unlisted one', async () => {
    await spaWithToken();
    const preflight = (origin: string, url: string) =>
      ctx().app.inject({ method: 'OPTIONS', url, headers: { host: ctx().tenant.domain, origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'auth0-client,content-type' } });
    for (const url of ['/oauth/token', '/userinfo', '/.well-known/jwks.json', '/.well-known/openid-configuration']) {
      const allowed = await preflight(SPA, url);
      expect(allowed.statusCode).toBe(204);
      expect(allowed.headers['access-control-allow-origin']).toBe(SPA);
      expect(String(allowed.headers['access-control-allow-headers'])).toContain('Auth0-Client');
      const refused = await preflight('https://attacker.example', url);
      expect(refused.statusCode).toBe(204);
      expect(refused.headers['access-control-allow-origin']).toBeUndefined();
      expect(refused.headers['access-control-allow-methods']).toBeUndefined();
    }
  });

  it('on /oauth/token allows only the origins of the client the body names, on success and on refusal', async () => {
    const { client, other } = await spaWithToken();
    const ok = await tokenRequest(ctx(), { grant_type: 'refresh_token', client_id: client.client_id, refresh_token: 'nope' }, { headers: { origin: SPA } });
    expect(ok.statusCode).toBe(403);
    expect(ok.headers['access-control-allow-origin']).toBe(SPA);
    expect(ok.headers.vary).toContain('Origin');
    // Listed by another client of the tenant: not this client's origin.
    const foreign = await tokenRequest(ctx(), { grant_type: 'refresh_token', client_id: client.client_id, refresh_token: 'nope' }, { headers: { origin: 'https://other.example' } });
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    const theirs = await tokenRequest(ctx(), { grant_type: 'refresh_token', client_id: other.client_id, refresh_token: 'nope' }, { headers: { origin: 'https://other.example' } });
    expect(theirs.headers['access-control-allow-origin']).toBe('https://other.example');
  });

  it('on /userinfo and the JWKS allows an origin any client lists, and sees a PATCH at once', async () => {
    const { client, accessToken } = await spaWithToken();
    const userinfo = (origin: string) => ctx().app.inject({ method: 'GET', url: '/userinfo', headers: { host: ctx().tenant.domain, origin, authorization: `Bearer ${accessToken}` } });
    expect((await userinfo(SPA)).headers['access-control-allow-origin']).toBe(SPA);
    expect((await userinfo('https://other.example')).headers['access-control-allow-origin']).toBe('https://other.example');
    expect((await userinfo('https://new.example')).headers['access-control-allow-origin']).toBeUndefined();
    const jwks = await ctx().app.inject({ method: 'GET', url: '/.well-known/jwks.json', headers: { host: ctx().tenant.domain, origin: 'https://new.example' } });
    expect(jwks.headers['access-control-allow-origin']).toBeUndefined();

    await ctx().services.clients.update(ctx().tenant, client.client_id, { web_origins: [SPA, 'https://new.example'] });
    expect((await userinfo('https://new.example')).headers['access-control-allow-origin']).toBe('https://new.example');
    const after = await ctx().app.inject({ method: 'GET', url: '/.well-known/jwks.json', headers: { host: ctx().tenant.domain, origin: 'https://new.example' } });
    expect(after.headers['access-control-allow-origin']).toBe('https://new.example');
  });
});
