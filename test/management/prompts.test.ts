import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { createUser } from '../auth/helpers.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { errorBody, itRejectsBadRequests, managementApi } from './support.js';

const DEFAULTS = { universal_login_experience: 'new', identifier_first: false, webauthn_platform_first_factor: false, mfa_remember_browser: true };

describe.each(DIALECTS)('Management API: prompt settings and remembered browsers (%s)', (dialect) => {
  const clock = new ManualClock();
  const ctx = useTestContext(dialect, { clock });
  const api = managementApi(ctx);

  describe('GET|PATCH /prompts', () => {
    it("answers Auth0's prompt settings with Guardline's remember-browser switch, on by default", async () => {
      const response = await api.call('GET', '/prompts');
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual(DEFAULTS);
    });

    it('turns remember-browser off and on; the login pages read the new value at once', async () => {
      const off = await api.call('PATCH', '/prompts', { payload: { mfa_remember_browser: false } });
      expect(off.statusCode).toBe(200);
      expect(off.json()).toEqual({ ...DEFAULTS, mfa_remember_browser: false });
      expect(await ctx().services.loginSettings.get(ctx().tenant)).toEqual({ rememberBrowser: false });
      expect((await api.call('GET', '/prompts')).json()).toEqual({ ...DEFAULTS, mfa_remember_browser: false });
      const on = await api.call('PATCH', '/prompts', { payload: { mfa_remember_browser: true, universal_login_experience: 'new' } });
      expect(on.json()).toEqual(DEFAULTS);
    });

    it("refuses what Guardline does not have (classic experience, identifier first) and an empty body, changing nothing", async () => {
      for (const payload of [{ universal_login_experience: 'classic' }, { identifier_first: true }, {}, { mfa_remember_browser: 'yes' }]) {
        const response = await api.call('PATCH', '/prompts', { payload });
        expect(response.statusCode, JSON.stringify(payload)).toBe(400);
        expect(response.json().errorCode).toBe('invalid_body');
      }
      expect((await api.call('GET', '/prompts')).json()).toEqual(DEFAULTS);
    });

    itRejectsBadRequests(ctx, api, clock, { method: 'GET', path: () => '/prompts', scopes: ['read:prompts'] });
    itRejectsBadRequests(ctx, api, clock, {
      method: 'PATCH',
      path: () => '/prompts',
      scopes: ['update:prompts'],
      body: { valid: () => ({ mfa_remember_browser: false }), unknownField: { colour: 'red' }, wrongType: { mfa_remember_browser: 1 } },
    });
  });

  describe('POST /users/{id}/multifactor/actions/invalidate-remember-browser', () => {
    it("forgets every remembered browser of the user, and only that user's", async () => {
      const tenant = ctx().tenant;
      const [alice, bob] = [await createUser(ctx()), await createUser(ctx())];
      const { rememberedBrowsers } = ctx().services;
      const aliceBrowser = await rememberedBrowsers.remember(tenant, alice.user_id);
      const bobBrowser = await rememberedBrowsers.remember(tenant, bob.user_id);
      const response = await api.call('POST', `/users/${encodeURIComponent(alice.user_id)}/multifactor/actions/invalidate-remember-browser`);
      expect(response.statusCode).toBe(204);
      expect(await rememberedBrowsers.recognise(tenant, alice.user_id, aliceBrowser.token)).toBe(false);
      expect(await rememberedBrowsers.recognise(tenant, bob.user_id, bobBrowser.token)).toBe(true);
    });

    it('answers 404 for an unknown user', async () => {
      const response = await api.call('POST', '/users/auth0%7Cnobody/multifactor/actions/invalidate-remember-browser');
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual(errorBody(404, 'Not Found', 'inexistent_user', 'The user does not exist.'));
    });

    itRejectsBadRequests(ctx, api, clock, { method: 'POST', path: () => '/users/auth0%7Cnobody/multifactor/actions/invalidate-remember-browser', scopes: ['update:users'] });
  });
});
