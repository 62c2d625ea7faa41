import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { createAdminApplication } from '../../src/services/bootstrap.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { basic, createClient, logsOf, tokenRequest, verifyWithJwks } from './helpers.js';

describe.each(DIALECTS)('client_credentials grant (%s)', (dialect) => {
  const clock = new ManualClock(new Date());
  const ctx = useTestContext(dialect, { clock });

  /** A machine-to-machine client granted `scopes` on the Management API. */
  async function m2m(scopes = ['read:users', 'read:logs']) {
    const client = await createClient(ctx(), { app_type: 'non_interactive', grant_types: ['client_credentials'] });
    await ctx().services.clientGrants.create(ctx().tenant, { client_id: client.client_id, audience: ctx().tenant.managementAudience, scope: scopes });
    const base = { grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret!, audience: ctx().tenant.managementAudience };
    return { client, base };
  }

  it("issues a JWT for the Management API with the grant's scopes, verifiable with the JWKS, and logs seccft", async () => {
    const { client, base } = await m2m();
    const response = await tokenRequest(ctx(), base);
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.json();
    expect(body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 86400, scope: 'read:users read:logs' });
    const claims = await verifyWithJwks(ctx(), body.access_token, ctx().tenant.managementAudience);
    expect(claims).toMatchObject({ sub: `${client.client_id}@clients`, azp: client.client_id, gty: 'client-credentials', scope: 'read:users read:logs' });
    expect(claims.exp! - claims.iat!).toBe(86400);
    const [entry] = await logsOf(ctx(), 'seccft');
    expect(entry).toMatchObject({ client_id: client.client_id, client_name: 'Test App' });
    expect(JSON.stringify(entry)).not.toContain(base.client_secret);
  });

  it('accepts JSON bodies and HTTP Basic client authentication, and narrows to the requested scopes', async () => {
    const { client, base } = await m2m();
    const json = await ctx().app.inject({ method: 'POST', url: '/oauth/token', headers: { host: ctx().tenant.domain }, payload: { ...base, scope: 'read:logs' } });
    expect(json.statusCode).toBe(200);
    expect(json.json().scope).toBe('read:logs');
    const { client_id: _id, client_secret: _secret, ...rest } = base;
    const viaBasic = await tokenRequest(ctx(), rest, { headers: { authorization: basic(client.client_id, client.client_secret!) } });
    expect(viaBasic.statusCode).toBe(200);
  });

  it('refuses with Auth0-shaped errors and logs feccft', async () => {
    const { client, base } = await m2m();
    const cases: Array<[Record<string, string>, number, object]> = [
      [{ ...base, audience: '' }, 403, { error: 'access_denied', error_description: 'No audience parameter was provided, and no default audience has been configured' }],
      [{ ...base, audience: 'https://api.example/' }, 403, { error: 'access_denied', error_description: 'Service not found: https://api.example/' }],
      [{ ...base, scope: 'read:users delete:users' }, 403, { error: 'access_denied', error_description: 'Client has not been granted scopes: delete:users' }],
      [{ ...base, client_secret: 'wrong' }, 401, { error: 'invalid_client', error_description: 'Unauthorized' }],
      [{ ...base, client_id: 'nobody' }, 401, { error: 'invalid_client', error_description: 'Unauthorized' }],
      [{ grant_type: 'client_credentials', audience: base.audience }, 400, { error: 'invalid_request', error_description: 'Missing required parameter: client_id' }],
    ];
    for (const [params, status, body] of cases) {
      const response = await tokenRequest(ctx(), params);
      expect(response.statusCode, JSON.stringify(params)).toBe(status);
      expect(response.json()).toEqual(body);
    }
    const failures = await logsOf(ctx(), 'feccft');
    expect(failures.filter((l) => l.client_id === client.client_id).map((l) => l.description)).toEqual(
      expect.arrayContaining(['Service not found: https://api.example/', 'Client has not been granted scopes: delete:users']),
    );
  });

  it('refuses a client without a client grant, a client not allowed the grant, and a public client', async () => {
    const noGrant = await createClient(ctx(), { app_type: 'non_interactive', grant_types: ['client_credentials'] });
    const response = await tokenRequest(ctx(), { grant_type: 'client_credentials', client_id: noGrant.client_id, client_secret: noGrant.client_secret!, audience: ctx().tenant.managementAudience });
    expect(response.statusCode).toBe(403);
    expect(response.json().error_description).toBe(
      `Client is not authorized to access "${ctx().tenant.managementAudience}". You need to create a "client-grant" associated to this API.`,
    );

    const web = await createClient(ctx(), { grant_types: ['authorization_code'] });
    const notAllowed = await tokenRequest(ctx(), { grant_type: 'client_credentials', client_id: web.client_id, client_secret: web.client_secret!, audience: ctx().tenant.managementAudience });
    expect(notAllowed.statusCode).toBe(403);
    expect(notAllowed.json()).toEqual({ error: 'unauthorized_client', error_description: "Grant type 'client_credentials' not allowed for the client." });

    const spa = await createClient(ctx(), { app_type: 'spa', grant_types: ['client_credentials'] });
    const publicClient = await tokenRequest(ctx(), { grant_type: 'client_credentials', client_id: spa.client_id, audience: ctx().tenant.managementAudience });
    expect(publicClient.statusCode).toBe(403);
    expect(publicClient.json().error).toBe('unauthorized_client');
  });

  it("does not accept one tenant's client on another tenant", async () => {
    const acme = await ctx().services.tenants.create({ name: `cc-${dialect}` });
    const acmeAdmin = await createAdminApplication(ctx().services, acme);
    const onDefault = await tokenRequest(ctx(), { grant_type: 'client_credentials', client_id: acmeAdmin.clientId, client_secret: acmeAdmin.clientSecret, audience: ctx().tenant.managementAudience });
    expect(onDefault.statusCode).toBe(401);
    expect(onDefault.json().error).toBe('invalid_client');
    const onAcme = await tokenRequest(ctx(), { grant_type: 'client_credentials', client_id: acmeAdmin.clientId, client_secret: acmeAdmin.clientSecret, audience: acme.managementAudience }, { host: acme.domain });
    expect(onAcme.statusCode).toBe(200);
  });

  it('answers unknown or missing grant types and malformed bodies with invalid_request-family errors', async () => {
    expect((await tokenRequest(ctx(), { client_id: 'x' })).json()).toEqual({ error: 'invalid_request', error_description: 'Missing required parameter: grant_type' });
    const unsupported = await tokenRequest(ctx(), { grant_type: 'urn:example:magic' });
    expect(unsupported.statusCode).toBe(400);
    expect(unsupported.json()).toEqual({ error: 'unsupported_grant_type', error_description: 'Unsupported grant type: urn:example:magic' });
    const malformed = await ctx().app.inject({ method: 'POST', url: '/oauth/token', headers: { host: ctx().tenant.domain, 'content-type': 'application/json' }, payload: '{"grant_type":' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error).toBe('invalid_request');
    const huge = await tokenRequest(ctx(), { grant_type: 'client_credentials', padding: 'x'.repeat(70 * 1024) });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error).toBe('invalid_request');
  });

  it('issues tokens that expire: after 24 h the Management API answers 401', async () => {
    const { base } = await m2m(['read:logs']);
    const token = (await tokenRequest(ctx(), base)).json().access_token as string;
    const call = () => ctx().app.inject({ method: 'GET', url: '/api/v2/logs', headers: { host: ctx().tenant.domain, authorization: `Bearer ${token}` } });
    expect((await call()).statusCode).toBe(200);
    clock.advance(86_400_000 + 1000);
    const expired = await call();
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Expired token received for JSON Web Token validation', errorCode: 'invalid_token' });
  });
});
