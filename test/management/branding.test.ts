import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { acmeToken, errorBody, itRejectsBadRequests, managementApi, storeSnapshot, waitForLog } from './support.js';

const PATH = '/branding';
const FULL = {
  colors: { primary: '#0059d6', page_background: '#F0F4F8' },
  favicon_url: 'https://cdn.example.com/favicon.ico',
  logo_url: 'https://cdn.example.com/logo.png',
  font: { url: 'https://cdn.example.com/font.woff2' },
};

describe.each(DIALECTS)('Management API: branding (%s)', (dialect) => {
  const clock = new ManualClock();
  const ctx = useTestContext(dialect, { clock });
  const api = managementApi(ctx);
  const reset = () => api.call('PATCH', PATH, { payload: { colors: null, favicon_url: null, logo_url: null, font: null } });

  describe('GET /branding', () => {
    it('answers {} before anything was set, without writing a row', async () => {
      const response = await api.call('GET', PATH);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({});
      expect(await ctx().handle.db.selectFrom('branding').selectAll().execute()).toEqual([]);
    });

    itRejectsBadRequests(ctx, api, clock, { method: 'GET', path: () => PATH, scopes: ['read:branding'] });
  });

  describe('PATCH /branding', () => {
    it("stores Auth0's shape, returns the whole object, and logs sapi", async () => {
      const response = await api.call('PATCH', PATH, { payload: FULL });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual(FULL);
      expect((await api.call('GET', PATH)).json()).toEqual(FULL);
      const entry = await waitForLog(api, 'type:sapi', (e) => e.description === 'Update branding settings');
      expect(entry.details).toEqual({ request: { method: 'PATCH', path: '/api/v2/branding' }, response: { statusCode: 200 } });
      await reset();
    });

    it('keeps what is left out, merges colours field by field, and removes what is null', async () => {
      await api.call('PATCH', PATH, { payload: FULL });
      const primary = await api.call('PATCH', PATH, { payload: { colors: { primary: '#112233' } } });
      expect(primary.json()).toEqual({ ...FULL, colors: { primary: '#112233', page_background: '#F0F4F8' } });
      const noBackground = await api.call('PATCH', PATH, { payload: { colors: { page_background: null }, logo_url: null } });
      const { logo_url: _, ...withoutLogo } = FULL;
      expect(noBackground.json()).toEqual({ ...withoutLogo, colors: { primary: '#112233' } });
      const cleared = await reset();
      expect(cleared.json()).toEqual({});
      expect((await api.call('GET', PATH)).json()).toEqual({});
    });

    it('accepts http URLs on loopback only (a laptop demo), https everywhere', async () => {
      for (const url of ['http://localhost:8080/logo.png', 'http://127.0.0.1/logo.png', 'http://[::1]:3000/logo.png', 'http://demo.localhost/logo.png']) {
        const response = await api.call('PATCH', PATH, { payload: { logo_url: url } });
        expect(response.statusCode, url).toBe(200);
        expect(response.json().logo_url).toBe(url);
      }
      await reset();
    });

    it.each([
      [{ colors: { primary: '#12345' } }, 'colors.primary: "#12345" is not a colour of the form #rrggbb'],
      [{ colors: { primary: 'red' } }, 'colors.primary: "red" is not a colour of the form #rrggbb'],
      [{ colors: { page_background: '#12345g' } }, 'colors.page_background: "#12345g" is not a colour of the form #rrggbb'],
      [{ logo_url: 'http://cdn.example.com/logo.png' }, 'logo_url: "http://cdn.example.com/logo.png" is not an https URL (http only on loopback)'],
      [{ favicon_url: 'javascript:alert(1)' }, 'favicon_url: "javascript:alert(1)" is not an https URL (http only on loopback)'],
      [{ font: { url: 'not a url' } }, 'font.url: "not a url" is not an https URL (http only on loopback)'],
      [{ logo_url: 'https://user:pw@cdn.example.com/logo.png' }, 'logo_url: a URL with credentials is not allowed'],
      [{ colors: { page_background: { type: 'linear-gradient', start: '#000000', end: '#ffffff', angle_deg: 35 } } }, null],
      [{ identifiers: { otp_autocomplete: true } }, null],
      [{ colors: { primary: '#123456', accent: '#123456' } }, null],
    ])('refuses %j with a 400 naming what is wrong, changing nothing', async (payload, message) => {
      await api.call('PATCH', PATH, { payload: { logo_url: 'https://cdn.example.com/kept.png' } });
      const before = await storeSnapshot(ctx);
      const response = await api.call('PATCH', PATH, { payload: { colors: { primary: '#000000' }, ...payload } });
      expect(response.statusCode).toBe(400);
      if (message) expect(response.json()).toEqual(errorBody(400, 'Bad Request', 'invalid_body', message));
      else expect(response.json()).toMatchObject({ statusCode: 400, errorCode: 'invalid_body' });
      expect(await storeSnapshot(ctx)).toEqual(before);
      await reset();
    });

    it('changes only the calling tenant', async () => {
      const acme = await acmeToken(ctx);
      const response = await api.call('PATCH', PATH, { token: acme.token, host: acme.tenant.domain, payload: { colors: { primary: '#aa0000' } } });
      expect(response.json()).toEqual({ colors: { primary: '#aa0000' } });
      expect((await api.call('GET', PATH)).json()).toEqual({});
      expect((await api.call('GET', PATH, { token: acme.token, host: acme.tenant.domain })).json()).toEqual({ colors: { primary: '#aa0000' } });
    });

    itRejectsBadRequests(ctx, api, clock, {
      method: 'PATCH',
      path: () => PATH,
      scopes: ['update:branding'],
      body: { valid: () => ({ colors: { primary: '#123456' } }), unknownField: { colour: '#123456' }, wrongType: { logo_url: 42 } },
    });
  });

  describe('branding.forPages (what the login pages get)', () => {
    it("gives the tenant's friendly name, and the logo and colours once set", async () => {
      const { branding, tenants } = ctx().services;
      const tenant = async () => (await tenants.findByName(ctx().tenant.name))!;
      expect(await branding.forPages(await tenant())).toEqual({ name: ctx().tenant.friendlyName });
      await api.call('PATCH', PATH, { payload: FULL });
      expect(await branding.forPages(await tenant())).toEqual({
        name: ctx().tenant.friendlyName,
        logoUrl: FULL.logo_url,
        primaryColor: FULL.colors.primary,
        pageBackground: FULL.colors.page_background,
      });
      await reset();
    });

    it('is cached per configuration version: a change in plain SQL is seen by the next read (the triggers bump it)', async () => {
      const { branding, tenants } = ctx().services;
      const tenant = async () => (await tenants.findByName(ctx().tenant.name))!;
      await api.call('PATCH', PATH, { payload: { colors: { primary: '#101010' } } });
      const before = await tenant();
      expect((await branding.forPages(before)).primaryColor).toBe('#101010');
      await sql`update branding set primary_color = '#202020' where tenant_id = ${ctx().tenant.id}`.execute(ctx().handle.db);
      // The same (stale) tenant object is answered from the cache; a request that reads its tenant again sees the change.
      expect((await branding.forPages(before)).primaryColor).toBe('#101010');
      const after = await tenant();
      expect(after.configVersion).toBeGreaterThan(before.configVersion);
      expect((await branding.forPages(after)).primaryColor).toBe('#202020');
      await reset();
    });
  });
});
