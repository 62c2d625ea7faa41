import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { acmeToken, errorBody, itRejectsBadRequests, managementApi, storeSnapshot, waitForLog } from './support.js';

const CLIENT_KEYS = [
  'allowed_logout_urls',
  'allowed_origins',
  'app_type',
  'callbacks',
  'client_id',
  'client_metadata',
  'description',
  'grant_types',
  'is_first_party',
  'name',
  'refresh_token',
  'tenant',
  'token_endpoint_auth_method',
  'web_origins',
];

describe.each(DIALECTS)('Management API: clients (%s)', (dialect) => {
  const clock = new ManualClock();
  const ctx = useTestContext(dialect, { clock });
  const api = managementApi(ctx);

  async function createClient(body: Record<string, unknown> = { name: 'Web', app_type: 'regular_web' }) {
    const response = await api.call('POST', '/clients', { payload: body });
    expect(response.statusCode).toBe(201);
    return response.json() as { client_id: string; client_secret?: string; name: string };
  }

  async function tokenRequest(clientId: string, clientSecret: string) {
    return ctx().app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { host: ctx().tenant.domain },
      payload: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, audience: ctx().tenant.managementAudience },
    });
  }

  describe('GET /clients', () => {
    it('lists the tenant\'s clients oldest first, as an array without secrets', async () => {
      clock.advance(1000);
      const created = await createClient({ name: 'Listed', app_type: 'non_interactive' });
      const response = await api.call('GET', '/clients?per_page=100');
      expect(response.statusCode).toBe(200);
      const clients = response.json() as Array<Record<string, unknown>>;
      const ids = clients.map((c) => c.client_id);
      expect(ids.indexOf(ctx().admin.clientId)).toBeGreaterThanOrEqual(0);
      expect(ids.indexOf(ctx().admin.clientId)).toBeLessThan(ids.indexOf(created.client_id));
      const listed = clients.find((c) => c.client_id === created.client_id)!;
      expect(Object.keys(listed).sort()).toEqual(CLIENT_KEYS);
      expect(listed).toMatchObject({
        tenant: 'default',
        name: 'Listed',
        app_type: 'non_interactive',
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'client_secret_post',
        is_first_party: true,
      });
    });

    it('pages with page/per_page and wraps with include_totals as Auth0 does', async () => {
      const all = (await api.call('GET', '/clients?per_page=100')).json() as Array<{ client_id: string }>;
      expect(all.length).toBeGreaterThanOrEqual(2);
      const response = await api.call('GET', '/clients?page=1&per_page=1&include_totals=true');
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(Object.keys(body).sort()).toEqual(['clients', 'length', 'limit', 'start', 'total']);
      expect(body).toMatchObject({ start: 1, limit: 1, length: 1, total: all.length });
      expect(body.clients.map((c: { client_id: string }) => c.client_id)).toEqual([all[1]!.client_id]);
    });

    it('refuses unknown and out-of-range query parameters with 400 invalid_query_string', async () => {
      const unknown = await api.call('GET', '/clients?colour=blue');
      expect(unknown.json()).toEqual(
        errorBody(400, 'Bad Request', 'invalid_query_string', "Query validation error: 'Additional properties not allowed: colour'."),
      );
      const tooMany = await api.call('GET', '/clients?per_page=101');
      expect(tooMany.statusCode).toBe(400);
      expect(tooMany.json().errorCode).toBe('invalid_query_string');
      const notANumber = await api.call('GET', '/clients?page=first');
      expect(notANumber.json()).toMatchObject({ statusCode: 400, errorCode: 'invalid_query_string' });
    });

    it('shows another tenant none of this tenant\'s clients', async () => {
      const mine = await createClient({ name: 'Mine only' });
      const acme = await acmeToken(ctx);
      const list = await api.call('GET', '/clients?per_page=100', { token: acme.token, host: acme.tenant.domain });
      expect(list.statusCode).toBe(200);
      const names = (list.json() as Array<{ name: string; tenant: string }>).map((c) => `${c.tenant}/${c.name}`);
      expect(names).toEqual(['acme/Guardline Management (machine-to-machine)']);
      const direct = await api.call('GET', `/clients/${mine.client_id}`, { token: acme.token, host: acme.tenant.domain });
      expect(direct.statusCode).toBe(404);
    });

    itRejectsBadRequests(ctx, api, clock, { method: 'GET', path: () => '/clients', scopes: ['read:clients'] });
  });

  describe('PATCH /clients/:id', () => {
    it('changes only the fields sent and returns the client without its secret', async () => {
      const created = await createClient({ name: 'Before', description: 'kept', callbacks: ['https://a.example/cb'] });
      const response = await api.call('PATCH', `/clients/${created.client_id}`, {
        payload: { name: 'After', grant_types: ['authorization_code', 'refresh_token'], client_metadata: { team: 'id' } },
      });
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.client_secret).toBeUndefined();
      expect(body).toMatchObject({
        client_id: created.client_id,
        name: 'After',
        description: 'kept',
        callbacks: ['https://a.example/cb'],
        grant_types: ['authorization_code', 'refresh_token'],
        client_metadata: { team: 'id' },
      });
      expect((await api.call('GET', `/clients/${created.client_id}`)).json()).toEqual(body);
    });

    it('issues a secret, shown once, when a public client becomes confidential', async () => {
      const spa = await createClient({ name: 'SPA', app_type: 'spa' });
      expect(spa.client_secret).toBeUndefined();
      const response = await api.call('PATCH', `/clients/${spa.client_id}`, { payload: { token_endpoint_auth_method: 'client_secret_post' } });
      expect(response.statusCode).toBe(200);
      expect(response.json().client_secret).toMatch(/^[A-Za-z0-9]{64}$/);
    });

    it('refuses an unknown grant type or a callback with a fragment, changing nothing', async () => {
      const created = await createClient({ name: 'Strict' });
      const before = await storeSnapshot(ctx);
      const grant = await api.call('PATCH', `/clients/${created.client_id}`, { payload: { name: 'Changed', grant_types: ['implicit'] } });
      expect(grant.json()).toEqual(errorBody(400, 'Bad Request', 'invalid_body', 'Unsupported grant type(s): implicit'));
      const callback = await api.call('PATCH', `/clients/${created.client_id}`, { payload: { name: 'Changed', callbacks: ['https://a.example/#x'] } });
      expect(callback.statusCode).toBe(400);
      expect(callback.json().message).toContain('https://a.example/#x');
      expect(await storeSnapshot(ctx)).toEqual(before);
    });

    it('answers 404 inexistent_client for an unknown id', async () => {
      const response = await api.call('PATCH', '/clients/nope', { payload: { name: 'x' } });
      expect(response.json()).toEqual(errorBody(404, 'Not Found', 'inexistent_client', 'The client does not exist'));
    });

    it('records sapi for a success and fapi for a failure in the log', async () => {
      const created = await createClient({ name: 'Logged' });
      await api.call('PATCH', `/clients/${created.client_id}`, { payload: { name: 'Logged 2' } });
      const ok = await waitForLog(api, 'type:sapi', (e) => (e.details as { request: { path: string } }).request.path === `/api/v2/clients/${created.client_id}`);
      expect(ok).toMatchObject({
        type: 'sapi',
        description: 'Update a Client',
        client_id: ctx().admin.clientId,
        tenant_name: 'default',
        details: { request: { method: 'PATCH', path: `/api/v2/clients/${created.client_id}` }, response: { statusCode: 200 } },
      });
      await api.call('PATCH', `/clients/${created.client_id}`, { payload: { name: 'x', colour: 'red' } });
      const failed = await waitForLog(api, 'type:fapi', (e) => (e.details as { request: { path: string } }).request.path === `/api/v2/clients/${created.client_id}`);
      expect(failed).toMatchObject({ type: 'fapi', description: 'Update a Client', details: { response: { statusCode: 400 } } });
    });

    itRejectsBadRequests(ctx, api, clock, {
      method: 'PATCH',
      path: async () => `/clients/${(await createClient({ name: 'Target' })).client_id}`,
      scopes: ['update:clients'],
      body: { valid: () => ({ name: 'Renamed' }), unknownField: { colour: 'blue' }, wrongType: { callbacks: 'https://a.example/cb' } },
    });
  });

  describe('DELETE /clients/:id', () => {
    it('deletes the client and its grants, answers 204, then 404', async () => {
      const created = await createClient({ name: 'Doomed', app_type: 'non_interactive' });
      await ctx().services.clientGrants.create(ctx().tenant, { client_id: created.client_id, audience: ctx().tenant.managementAudience, scope: ['read:users'] });
      const response = await api.call('DELETE', `/clients/${created.client_id}`);
      expect(response.statusCode).toBe(204);
      expect(response.body).toBe('');
      const grants = await api.call('GET', `/client-grants?client_id=${created.client_id}`);
      expect(grants.json()).toEqual([]);
      const again = await api.call('GET', `/clients/${created.client_id}`);
      expect(again.json()).toEqual(errorBody(404, 'Not Found', 'inexistent_client', 'The client does not exist'));
      expect((await api.call('DELETE', `/clients/${created.client_id}`)).statusCode).toBe(404);
    });

    it('cannot delete another tenant\'s client', async () => {
      const acme = await acmeToken(ctx);
      const mine = await createClient({ name: 'Not yours' });
      const response = await api.call('DELETE', `/clients/${mine.client_id}`, { token: acme.token, host: acme.tenant.domain });
      expect(response.statusCode).toBe(404);
      expect((await api.call('GET', `/clients/${mine.client_id}`)).statusCode).toBe(200);
    });

    itRejectsBadRequests(ctx, api, clock, {
      method: 'DELETE',
      path: async () => `/clients/${(await createClient({ name: 'Target' })).client_id}`,
      scopes: ['delete:clients'],
    });
  });

  describe('POST /clients/:id/rotate-secret', () => {
    it('returns a new secret once; the old one stops working and the new one works', async () => {
      const created = await createClient({ name: 'Rotated', app_type: 'non_interactive' });
      await ctx().services.clientGrants.create(ctx().tenant, { client_id: created.client_id, audience: ctx().tenant.managementAudience, scope: ['read:users'] });
      const response = await api.call('POST', `/clients/${created.client_id}/rotate-secret`);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(Object.keys(body).sort()).toEqual([...CLIENT_KEYS, 'client_secret'].sort());
      expect(body.client_secret).toMatch(/^[A-Za-z0-9]{64}$/);
      expect(body.client_secret).not.toBe(created.client_secret);
      expect((await tokenRequest(created.client_id, created.client_secret!)).statusCode).toBe(401);
      expect((await tokenRequest(created.client_id, body.client_secret)).statusCode).toBe(200);
      expect((await api.call('GET', `/clients/${created.client_id}`)).json().client_secret).toBeUndefined();

      await waitForLog(api, 'type:sapi', (e) => e.description === 'Rotate a client secret');
      const everything = await api.call('GET', '/logs?per_page=100');
      expect(everything.body).not.toContain(body.client_secret);
      expect(everything.body).not.toContain(created.client_secret);
    });

    it('refuses a public client (no secret) with 400 and an unknown client with 404', async () => {
      const spa = await createClient({ name: 'Public', app_type: 'spa' });
      const before = await storeSnapshot(ctx);
      const response = await api.call('POST', `/clients/${spa.client_id}/rotate-secret`);
      expect(response.json()).toEqual(
        errorBody(400, 'Bad Request', 'invalid_body', 'A public client (token_endpoint_auth_method "none") has no secret'),
      );
      expect(await storeSnapshot(ctx)).toEqual(before);
      expect((await api.call('POST', '/clients/nope/rotate-secret')).json().errorCode).toBe('inexistent_client');
    });

    itRejectsBadRequests(ctx, api, clock, {
      method: 'POST',
      path: async () => `/clients/${(await createClient({ name: 'Target' })).client_id}/rotate-secret`,
      scopes: ['update:client_keys'],
    });
  });

  describe('POST /clients', () => {
    itRejectsBadRequests(ctx, api, clock, {
      method: 'POST',
      path: () => '/clients',
      scopes: ['create:clients'],
      body: { valid: () => ({ name: 'New app' }), unknownField: { logo: 'x' }, wrongType: { is_first_party: 'yes' } },
    });
  });
});
