import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { acmeToken, errorBody, itRejectsBadRequests, managementApi, storeSnapshot, waitForLog } from './support.js';

describe.each(DIALECTS)('Management API: tenant settings (%s)', (dialect) => {
  const clock = new ManualClock();
  const ctx = useTestContext(dialect, { clock });
  const api = managementApi(ctx);

  describe('GET /tenants/settings', () => {
    it('returns the friendly name and the enabled locales, default first', async () => {
      const response = await api.call('GET', '/tenants/settings');
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ friendly_name: 'Guardline', enabled_locales: ['en', 'ja'] });
    });

    it('refuses query parameters it does not know', async () => {
      const response = await api.call('GET', '/tenants/settings?flags=1');
      expect(response.json()).toEqual(
        errorBody(400, 'Bad Request', 'invalid_query_string', "Query validation error: 'Additional properties not allowed: flags'."),
      );
      // Auth0's field selection is known.
      expect((await api.call('GET', '/tenants/settings?fields=friendly_name&include_fields=true')).json()).toEqual({ friendly_name: expect.any(String) });
    });

    itRejectsBadRequests(ctx, api, clock, { method: 'GET', path: () => '/tenants/settings', scopes: ['read:tenant_settings'] });
  });

  describe('PATCH /tenants/settings', () => {
    it('makes the first enabled locale the default and keeps what is not sent', async () => {
      const locales = await api.call('PATCH', '/tenants/settings', { payload: { enabled_locales: ['ja', 'en'] } });
      expect(locales.statusCode).toBe(200);
      expect(locales.json()).toEqual({ friendly_name: 'Guardline', enabled_locales: ['ja', 'en'] });
      const name = await api.call('PATCH', '/tenants/settings', { payload: { friendly_name: 'ガードライン株式会社' } });
      expect(name.json()).toEqual({ friendly_name: 'ガードライン株式会社', enabled_locales: ['ja', 'en'] });
      expect((await api.call('GET', '/tenants/settings')).json()).toEqual(name.json());
      const tenant = await ctx().services.tenants.findByName('default');
      expect(tenant).toMatchObject({ defaultLocale: 'ja', supportedLocales: ['ja', 'en'], friendlyName: 'ガードライン株式会社' });
      const only = await api.call('PATCH', '/tenants/settings', { payload: { enabled_locales: ['en'] } });
      expect(only.json().enabled_locales).toEqual(['en']);
      await waitForLog(api, 'type:sapi', (e) => e.description === 'Update tenant settings');
    });

    it('refuses an unsupported, empty or repeated locale list, changing nothing', async () => {
      const before = await storeSnapshot(ctx);
      const french = await api.call('PATCH', '/tenants/settings', { payload: { friendly_name: 'X', enabled_locales: ['fr'] } });
      expect(french.statusCode).toBe(400);
      expect(french.json()).toMatchObject({ errorCode: 'invalid_body' });
      expect(french.json().message).toContain('enabled_locales');
      const empty = await api.call('PATCH', '/tenants/settings', { payload: { enabled_locales: [] } });
      expect(empty.json().errorCode).toBe('invalid_body');
      const twice = await api.call('PATCH', '/tenants/settings', { payload: { enabled_locales: ['en', 'en'] } });
      expect(twice.json().errorCode).toBe('invalid_body');
      expect(await storeSnapshot(ctx)).toEqual(before);
    });

    it('changes only the calling tenant', async () => {
      const acme = await acmeToken(ctx);
      await api.call('PATCH', '/tenants/settings', { payload: { friendly_name: 'Default Co' } });
      const response = await api.call('PATCH', '/tenants/settings', { token: acme.token, host: acme.tenant.domain, payload: { friendly_name: 'Acme Inc' } });
      expect(response.json().friendly_name).toBe('Acme Inc');
      expect((await api.call('GET', '/tenants/settings')).json().friendly_name).toBe('Default Co');
    });

    itRejectsBadRequests(ctx, api, clock, {
      method: 'PATCH',
      path: () => '/tenants/settings',
      scopes: ['update:tenant_settings'],
      body: { valid: () => ({ friendly_name: 'Renamed' }), unknownField: { default_language: 'ja' }, wrongType: { friendly_name: 42 } },
    });
  });
});
