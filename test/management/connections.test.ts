import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { acmeToken, itRejectsBadRequests, managementApi } from './support.js';

const DEFAULT_CONNECTION = 'Username-Password-Authentication';

describe.each(DIALECTS)('Management API: connections (%s)', (dialect) => {
  const clock = new ManualClock();
  const ctx = useTestContext(dialect, { clock });
  const api = managementApi(ctx);

  describe('GET /connections', () => {
    it('lists the default database connection in Auth0\'s shape', async () => {
      const response = await api.call('GET', '/connections');
      expect(response.statusCode).toBe(200);
      const [connection, ...rest] = response.json();
      expect(rest).toEqual([]);
      expect(connection).toEqual({ id: connection.id, name: DEFAULT_CONNECTION, strategy: 'auth0', realms: [DEFAULT_CONNECTION] });
      expect(connection.id).toMatch(/^con_[A-Za-z0-9]{16}$/);
    });

    it('filters by strategy and name and wraps with include_totals', async () => {
      expect((await api.call('GET', '/connections?strategy=google-oauth2')).json()).toEqual([]);
      expect((await api.call('GET', '/connections?name=Other')).json()).toEqual([]);
      const response = await api.call('GET', `/connections?strategy=auth0&name=${DEFAULT_CONNECTION}&include_totals=true`);
      const body = response.json();
      expect(body).toMatchObject({ start: 0, limit: 50, length: 1, total: 1 });
      expect(body.connections.map((c: { name: string }) => c.name)).toEqual([DEFAULT_CONNECTION]);
      const secondPage = await api.call('GET', '/connections?page=1&per_page=1&include_totals=true');
      expect(secondPage.json()).toEqual({ start: 1, limit: 1, length: 0, total: 1, connections: [] });
    });

    it('gives each tenant its own connection', async () => {
      const mine = (await api.call('GET', '/connections')).json()[0].id;
      const acme = await acmeToken(ctx);
      const theirs = await api.call('GET', '/connections', { token: acme.token, host: acme.tenant.domain });
      expect(theirs.json()).toHaveLength(1);
      expect(theirs.json()[0].name).toBe(DEFAULT_CONNECTION);
      expect(theirs.json()[0].id).not.toBe(mine);
    });

    it('refuses unknown query parameters', async () => {
      const response = await api.call('GET', '/connections?display_name=x');
      expect(response.statusCode).toBe(400);
      expect(response.json().errorCode).toBe('invalid_query_string');
    });

    itRejectsBadRequests(ctx, api, clock, { method: 'GET', path: () => '/connections', scopes: ['read:connections'] });
  });
});
