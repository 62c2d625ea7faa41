import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import type { LogType } from '../../src/domain/log-types.js';
import { DIALECTS, tokenWithScopes, useTestContext } from '../support/harness.js';
import { acmeToken, errorBody, itRejectsBadRequests, managementApi, waitForLog } from './support.js';

const ALICE = 'auth0|logs-alice';
const BOB = 'auth0|logs-bob';

describe.each(DIALECTS)('Management API: logs (%s)', (dialect) => {
  const clock = new ManualClock('2026-02-01T00:00:00.000Z');
  const ctx = useTestContext(dialect, { clock });
  const api = managementApi(ctx);
  /** Seeded entries, oldest first: [log_id, type, user]. */
  const seeded: Array<{ id: string; type: LogType; user: string }> = [];

  const record = async (type: LogType, user: string, clientId = 'logs-client') => {
    clock.advance(1000);
    const id = await ctx().services.events.record(
      ctx().tenant.id,
      { type, userId: user, userName: `${user.slice(6)}@example.com`, clientId, clientName: 'Logs App', connection: 'Username-Password-Authentication' },
      { ip: '203.0.113.7', userAgent: 'test-agent/1.0', hostname: 'guardline.test' },
    );
    seeded.push({ id, type, user });
    return id;
  };

  beforeAll(async () => {
    await record('s', ALICE);
    await record('fp', ALICE);
    await record('gd_send_sms', ALICE, 'other-client');
    await record('s', BOB);
    await record('gd_auth_failed', BOB);
    // Entries written from now on (token exchanges, sapi) sort after every seeded one.
    clock.advance(1000);
  });

  const list = async (query: string) => {
    const response = await api.call('GET', `/logs?${query}`);
    expect(response.statusCode, query).toBe(200);
    return response;
  };
  const ids = (body: unknown) => (body as Array<{ log_id: string }>).map((l) => l.log_id);
  const seededIds = (filter: (s: (typeof seeded)[number]) => boolean) => seeded.filter(filter).map((s) => s.id);
  const q = (query: string) => `q=${encodeURIComponent(query)}`;

  describe('GET /logs', () => {
    it('returns entries in Auth0\'s log shape, newest first', async () => {
      const response = await list(q(`user_id:"${ALICE}"`));
      expect(ids(response.json())).toEqual(seededIds((s) => s.user === ALICE).reverse());
      const first = response.json()[2];
      expect(first).toEqual({
        log_id: seeded[0]!.id,
        date: '2026-02-01T00:00:01.000Z',
        type: 's',
        description: 'Success Login',
        client_id: 'logs-client',
        client_name: 'Logs App',
        user_id: ALICE,
        user_name: 'logs-alice@example.com',
        connection: 'Username-Password-Authentication',
        ip: '203.0.113.7',
        user_agent: 'test-agent/1.0',
        hostname: 'guardline.test',
        tenant_name: 'default',
        details: {},
      });
      expect(first.log_id).toMatch(/^[0-9]{56}$/);
    });

    it('sorts oldest first with sort=date:1', async () => {
      const response = await list(`${q(`user_id:"${ALICE}"`)}&sort=date:1`);
      expect(ids(response.json())).toEqual(seededIds((s) => s.user === ALICE));
    });

    it('filters by type, a group of types, client_id and combinations joined with AND', async () => {
      expect(ids((await list(q('type:fp'))).json())).toEqual(seededIds((s) => s.type === 'fp'));
      expect(ids((await list(q('type:"gd_auth_failed"'))).json())).toEqual(seededIds((s) => s.type === 'gd_auth_failed'));
      expect(ids((await list(`${q('type:(gd_send_sms OR gd_auth_failed)')}&sort=date:1`)).json())).toEqual(
        seededIds((s) => s.type.startsWith('gd_')),
      );
      expect(ids((await list(q('client_id:other-client'))).json())).toEqual(seededIds((s) => s.type === 'gd_send_sms'));
      expect(ids((await list(q(`type:s AND user_id:"${BOB}"`))).json())).toEqual(seededIds((s) => s.type === 's' && s.user === BOB));
      expect(ids((await list(q(`type:(s OR fp) AND user_id:${ALICE} AND client_id:"logs-client"`) + '&sort=date:1')).json())).toEqual(
        seededIds((s) => s.user === ALICE && s.type !== 'gd_send_sms'),
      );
    });

    it('pages with page/per_page and include_totals', async () => {
      const response = await list(`${q(`user_id:"${ALICE}"`)}&page=1&per_page=2&include_totals=true&sort=date:1`);
      const body = response.json();
      expect(Object.keys(body).sort()).toEqual(['length', 'limit', 'logs', 'start', 'total']);
      expect(body).toMatchObject({ start: 2, limit: 2, length: 1, total: 3 });
      expect(ids(body.logs)).toEqual([seededIds((s) => s.user === ALICE)[2]]);
    });

    it('reads by checkpoint with from and take: newer entries, oldest first, with a Link to the next batch', async () => {
      // page, per_page and sort are ignored with from, as in Auth0.
      const response = await list(`from=${seeded[0]!.id}&take=2&per_page=1&sort=date:-1`);
      expect(ids(response.json())).toEqual([seeded[1]!.id, seeded[2]!.id]);
      expect(response.headers.link).toBe(`<http://guardline.test/api/v2/logs?from=${seeded[2]!.id}&take=2>; rel="next"`);
      const next = await list(`from=${seeded[2]!.id}&take=2`);
      expect(ids(next.json())).toEqual([seeded[3]!.id, seeded[4]!.id]);

      const filtered = await list(`from=${seeded[0]!.id}&take=10&${q(`user_id:"${BOB}"`)}`);
      expect(ids(filtered.json())).toEqual(seededIds((s) => s.user === BOB));

      const last = '9'.repeat(56);
      const empty = await list(`from=${last}&take=5`);
      expect(empty.json()).toEqual([]);
      expect(empty.headers.link).toBe(`<http://guardline.test/api/v2/logs?from=${last}&take=5>; rel="next"`);
    });

    it('answers 400 invalid_query_string to queries it does not support', async () => {
      for (const query of [
        q('ip:203.0.113.7'),
        q('type:s OR type:f'),
        q(`user_id:("${ALICE}" OR "${BOB}")`),
        q('date:[2026-01-01 TO 2026-12-31]'),
        q('type:s*'),
        q('type:(s OR'),
        'per_page=101',
        'take=101&from=1',
        'from=abc',
        'sort=date',
        'sort=type:1',
      ]) {
        const response = await api.call('GET', `/logs?${query}`);
        expect(response.statusCode, query).toBe(400);
        expect(response.json().errorCode, query).toBe('invalid_query_string');
      }
      const message = (await api.call('GET', `/logs?${q('ip:1.2.3.4')}`)).json().message;
      expect(message).toBe(
        'Query validation error: the field "ip" is not supported. Supported: type, user_id, client_id (field:value, joined with AND).',
      );
    });

    it('accepts a token with read:logs_users alone', async () => {
      const token = await tokenWithScopes(ctx(), ['read:logs_users']);
      const response = await api.call('GET', `/logs?${q('type:fp')}`, { token });
      expect(response.statusCode).toBe(200);
      expect(ids(response.json())).toEqual(seededIds((s) => s.type === 'fp'));
    });

    it('records Management API writes as sapi and never shows another tenant\'s entries', async () => {
      const created = await api.call('POST', '/users', {
        payload: { connection: 'Username-Password-Authentication', email: 'logged@example.com', password: 'Password-For-Logs-1' },
      });
      expect(created.statusCode).toBe(201);
      const entry = await waitForLog(api, 'type:sapi', (e) => e.description === 'Create a User');
      expect(entry).toMatchObject({ client_id: ctx().admin.clientId, details: { request: { method: 'POST', path: '/api/v2/users' }, response: { statusCode: 201 } } });

      const acme = await acmeToken(ctx);
      const foreign = await api.call('GET', '/logs?per_page=100', { token: acme.token, host: acme.tenant.domain });
      expect(foreign.statusCode).toBe(200);
      const foreignIds = ids(foreign.json());
      for (const s of seeded) expect(foreignIds).not.toContain(s.id);
      expect(foreignIds).not.toContain(entry.log_id);
      expect((foreign.json() as Array<{ tenant_name: string }>).every((l) => l.tenant_name === 'acme')).toBe(true);
    });

    it('shows secrets given to the event log only as [redacted]', async () => {
      const id = await ctx().services.events.record(ctx().tenant.id, {
        type: 'fapi',
        details: { body: { password: 'hunter2-hunter2', client_secret: 'shh-secret', nested: [{ code: '123456' }] }, kept: 'visible' },
      });
      const response = await api.call('GET', `/logs/${id}`);
      expect(response.json().details).toEqual({
        body: { password: '[redacted]', client_secret: '[redacted]', nested: [{ code: '[redacted]' }] },
        kept: 'visible',
      });
      expect(response.body).not.toContain('hunter2');
    });

    itRejectsBadRequests(ctx, api, clock, { method: 'GET', path: () => '/logs', scopes: ['read:logs', 'read:logs_users'] });
  });

  describe('GET /logs/:id', () => {
    it('returns one entry, and 404 inexistent_log for an unknown id or another tenant\'s entry', async () => {
      const response = await api.call('GET', `/logs/${seeded[1]!.id}`);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ log_id: seeded[1]!.id, type: 'fp', description: 'Incorrect Password', tenant_name: 'default' });
      const missing = await api.call('GET', `/logs/${'1'.repeat(56)}`);
      expect(missing.json()).toEqual(errorBody(404, 'Not Found', 'inexistent_log', 'The log does not exist.'));
      const acme = await acmeToken(ctx);
      const foreign = await api.call('GET', `/logs/${seeded[1]!.id}`, { token: acme.token, host: acme.tenant.domain });
      expect(foreign.statusCode).toBe(404);
    });

    itRejectsBadRequests(ctx, api, clock, { method: 'GET', path: () => `/logs/${seeded[0]!.id}`, scopes: ['read:logs', 'read:logs_users'] });
  });
});
