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

  describe('GET|PUT /prompts/{prompt}/custom-text/{language}', () => {
    const path = (prompt = 'mfa-sms', language = 'ja') => `/prompts/${prompt}/custom-text/${language}`;

    it('answers {} until set, replaces on PUT, and {} removes; each tenant and language has its own', async () => {
      expect((await api.call('GET', path())).json()).toEqual({});
      const texts = { 'mfa-sms-challenge': { title: '本人確認', buttonText: '確認する' }, 'mfa-sms-enrollment': { title: '電話番号を登録' } };
      const put = await api.call('PUT', path(), { payload: texts });
      expect(put.statusCode, put.body).toBe(200);
      expect(put.json()).toEqual(texts);
      expect((await api.call('GET', path())).json()).toEqual(texts);
      expect((await api.call('GET', path('mfa-sms', 'en'))).json()).toEqual({});
      expect((await api.call('GET', path('mfa-voice'))).json()).toEqual({});
      // A prompt Guardline has no screen for is stored all the same (it round-trips through Auth0's tools).
      expect((await api.call('PUT', path('signup', 'en'), { payload: { signup: { title: 'Join' } } })).statusCode).toBe(200);
      expect((await api.call('PUT', path(), { payload: { 'mfa-sms-challenge': { title: '確認' } } })).json()).toEqual({ 'mfa-sms-challenge': { title: '確認' } });
      expect((await api.call('PUT', path(), { payload: {} })).json()).toEqual({});
      expect((await api.call('GET', path())).json()).toEqual({});
      expect(await ctx().handle.db.selectFrom('prompt_custom_texts').select('prompt').where('tenant_id', '=', ctx().tenant.id).execute()).toEqual([{ prompt: 'signup' }]);
    });

    it('refuses unknown prompts and languages, and texts that are not {screen: {key: text}}, writing nothing', async () => {
      const cases: Array<[string, unknown, string]> = [
        [path('nope'), {}, 'invalid_uri'],
        [path('mfa-sms', 'xx'), {}, 'invalid_uri'],
        [path(), { 'mfa-sms-challenge': 'title' }, 'invalid_body'],
        [path(), { 'mfa-sms-challenge': { title: 42 } }, 'invalid_body'],
        [path(), { 'Bad Screen!': { title: 'x' } }, 'invalid_body'],
        [path(), { 'mfa-sms-challenge': { title: 'x'.repeat(2001) } }, 'invalid_body'],
      ];
      for (const [url, payload, errorCode] of cases) {
        const response = await api.call('PUT', url, { payload: payload as object });
        expect(response.statusCode, `${url} ${JSON.stringify(payload).slice(0, 60)}`).toBe(400);
        expect(response.json()).toMatchObject({ statusCode: 400, errorCode });
      }
      expect(await ctx().handle.db.selectFrom('prompt_custom_texts').selectAll().where('tenant_id', '=', ctx().tenant.id).where('prompt', '=', 'mfa-sms').execute()).toEqual([]);
    });
  });
});
