import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { DIALECTS, managementToken, useTestContext } from '../support/harness.js';
import { acmeToken, errorBody, itRejectsBadRequests, managementApi, storeSnapshot } from './support.js';

describe.each(DIALECTS)('Management API: client grants (%s)', (dialect) => {
  const clock = new ManualClock();
  const ctx = useTestContext(dialect, { clock });
  const api = managementApi(ctx);
  const audience = () => ctx().tenant.managementAudience;

  async function machineClient() {
    const response = await api.call('POST', '/clients', { payload: { name: 'M2M', app_type: 'non_interactive' } });
    expect(response.statusCode).toBe(201);
    const body = response.json() as { client_id: string; client_secret: string };
    return { clientId: body.client_id, clientSecret: body.client_secret };
  }

  async function grant(clientId: string, scope: string[]) {
    const response = await api.call('POST', '/client-grants', { payload: { client_id: clientId, audience: audience(), scope } });
    expect(response.statusCode).toBe(201);
    return response.json() as { id: string; client_id: string; audience: string; scope: string[] };
  }

  describe('POST /client-grants', () => {
    it('creates a grant whose scopes the client\'s tokens then carry', async () => {
      const m2m = await machineClient();
      const response = await api.call('POST', '/client-grants', {
        payload: { client_id: m2m.clientId, audience: audience(), scope: ['read:users', 'read:users'] },
      });
      expect(response.statusCode).toBe(201);
      const body = response.json();
      expect(body).toEqual({ id: body.id, client_id: m2m.clientId, audience: audience(), scope: ['read:users'] });
      expect(body.id).toMatch(/^cgr_[A-Za-z0-9]{16}$/);

      const token = await managementToken(ctx(), m2m);
      expect((await api.call('GET', '/users', { token })).statusCode).toBe(200);
      const refused = await api.call('POST', '/users', { token, payload: { connection: 'Username-Password-Authentication' } });
      expect(refused.json()).toEqual(errorBody(403, 'Forbidden', 'insufficient_scope', 'Insufficient scope, expected any of: create:users'));
    });

    it('answers 409 to a second grant for the same client and audience, writing nothing', async () => {
      const m2m = await machineClient();
      await grant(m2m.clientId, ['read:users']);
      const before = await storeSnapshot(ctx);
      const response = await api.call('POST', '/client-grants', { payload: { client_id: m2m.clientId, audience: audience(), scope: ['read:logs'] } });
      expect(response.json()).toEqual(
        errorBody(409, 'Conflict', 'client_grant_exists', 'A client grant for this client and audience already exists'),
      );
      expect(await storeSnapshot(ctx)).toEqual(before);
    });

    it('refuses an unknown audience, an unknown scope and an unknown client, writing nothing', async () => {
      const m2m = await machineClient();
      const before = await storeSnapshot(ctx);
      const api2 = await api.call('POST', '/client-grants', { payload: { client_id: m2m.clientId, audience: 'https://other.example/', scope: [] } });
      expect(api2.json()).toEqual(
        errorBody(404, 'Not Found', 'inexistent_resource_server', 'No resource server found with identifier https://other.example/'),
      );
      const scope = await api.call('POST', '/client-grants', { payload: { client_id: m2m.clientId, audience: audience(), scope: ['read:users', 'fly:planes'] } });
      expect(scope.json()).toEqual(errorBody(400, 'Bad Request', 'invalid_body', `Invalid scope(s) for ${audience()}: fly:planes`));
      const client = await api.call('POST', '/client-grants', { payload: { client_id: 'nope', audience: audience(), scope: ['read:users'] } });
      expect(client.json()).toEqual(errorBody(404, 'Not Found', 'inexistent_client', 'The client does not exist'));
      const missing = await api.call('POST', '/client-grants', { payload: { client_id: m2m.clientId, audience: audience() } });
      expect(missing.json()).toEqual(errorBody(400, 'Bad Request', 'invalid_body', "Payload validation error: 'Missing required property: scope'."));
      expect(await storeSnapshot(ctx)).toEqual(before);
    });

    it('cannot grant another tenant\'s client', async () => {
      const m2m = await machineClient();
      const acme = await acmeToken(ctx);
      const response = await api.call('POST', '/client-grants', {
        token: acme.token,
        host: acme.tenant.domain,
        payload: { client_id: m2m.clientId, audience: acme.tenant.managementAudience, scope: ['read:users'] },
      });
      expect(response.json()).toEqual(errorBody(404, 'Not Found', 'inexistent_client', 'The client does not exist'));
    });

    itRejectsBadRequests(ctx, api, clock, {
      method: 'POST',
      path: () => '/client-grants',
      scopes: ['create:client_grants'],
      body: {
        valid: () => ({ client_id: ctx().admin.clientId, audience: audience(), scope: ['read:users'] }),
        unknownField: { organization_usage: 'deny' },
        wrongType: { scope: 'read:users' },
      },
    });
  });

  describe('GET /client-grants', () => {
    it('filters by client_id and audience and pages with include_totals', async () => {
      const m2m = await machineClient();
      const created = await grant(m2m.clientId, ['read:logs']);
      const byClient = await api.call('GET', `/client-grants?client_id=${m2m.clientId}`);
      expect(byClient.json()).toEqual([created]);
      const byAudience = await api.call('GET', `/client-grants?audience=${encodeURIComponent(audience())}&per_page=100`);
      const ids = (byAudience.json() as Array<{ id: string }>).map((g) => g.id);
      expect(ids).toContain(created.id);
      expect((await api.call('GET', '/client-grants?audience=https%3A%2F%2Fother.example%2F')).json()).toEqual([]);
      const paged = await api.call('GET', '/client-grants?per_page=1&include_totals=true');
      expect(paged.json()).toMatchObject({ start: 0, limit: 1, length: 1, total: ids.length });
      expect(Object.keys(paged.json()).sort()).toEqual(['client_grants', 'length', 'limit', 'start', 'total']);
    });

    itRejectsBadRequests(ctx, api, clock, { method: 'GET', path: () => '/client-grants', scopes: ['read:client_grants'] });
  });

  describe('PATCH /client-grants/:id', () => {
    it('replaces the scopes; the client\'s next token carries the new ones', async () => {
      const m2m = await machineClient();
      const created = await grant(m2m.clientId, ['read:users']);
      const response = await api.call('PATCH', `/client-grants/${created.id}`, { payload: { scope: ['read:logs'] } });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ ...created, scope: ['read:logs'] });
      const token = await managementToken(ctx(), m2m);
      expect((await api.call('GET', '/logs', { token })).statusCode).toBe(200);
      expect((await api.call('GET', '/users', { token })).statusCode).toBe(403);
    });

    it('refuses an unknown scope without changing the grant, and answers 404 for an unknown id', async () => {
      const m2m = await machineClient();
      const created = await grant(m2m.clientId, ['read:users']);
      const before = await storeSnapshot(ctx);
      const bad = await api.call('PATCH', `/client-grants/${created.id}`, { payload: { scope: ['read:users', 'root'] } });
      expect(bad.statusCode).toBe(400);
      expect(await storeSnapshot(ctx)).toEqual(before);
      const missing = await api.call('PATCH', '/client-grants/cgr_nope', { payload: { scope: [] } });
      expect(missing.json()).toEqual(errorBody(404, 'Not Found', 'inexistent_client_grant', 'The client grant does not exist'));
    });

    itRejectsBadRequests(ctx, api, clock, {
      method: 'PATCH',
      path: async () => `/client-grants/${(await grant((await machineClient()).clientId, ['read:users'])).id}`,
      scopes: ['update:client_grants'],
      body: { valid: () => ({ scope: ['read:logs'] }), unknownField: { audience: 'x' }, wrongType: { scope: [1] } },
    });
  });

  describe('DELETE /client-grants/:id', () => {
    it('deletes the grant: 204, then the client gets no token for the API and a second delete is 404', async () => {
      const m2m = await machineClient();
      const created = await grant(m2m.clientId, ['read:users']);
      const response = await api.call('DELETE', `/client-grants/${created.id}`);
      expect(response.statusCode).toBe(204);
      expect((await api.call('GET', `/client-grants?client_id=${m2m.clientId}`)).json()).toEqual([]);
      await expect(managementToken(ctx(), m2m)).rejects.toThrow(/token request failed: 403/);
      expect((await api.call('DELETE', `/client-grants/${created.id}`)).json()).toEqual(
        errorBody(404, 'Not Found', 'inexistent_client_grant', 'The client grant does not exist'),
      );
    });

    itRejectsBadRequests(ctx, api, clock, {
      method: 'DELETE',
      path: async () => `/client-grants/${(await grant((await machineClient()).clientId, ['read:users'])).id}`,
      scopes: ['delete:client_grants'],
    });
  });
});
