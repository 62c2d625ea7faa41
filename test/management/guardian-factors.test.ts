import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { acmeToken, errorBody, itRejectsBadRequests, managementApi, storeSnapshot, waitForLog } from './support.js';

/** Auth0's GuardianFactorNameEnum, in the order Auth0 documents it. */
const AUTH0_FACTORS = ['push-notification', 'sms', 'email', 'duo', 'otp', 'webauthn-roaming', 'webauthn-platform', 'recovery-code'];
const form = { 'content-type': 'application/x-www-form-urlencoded' };
const json = { 'content-type': 'application/json' };

describe.each(DIALECTS)('Management API: guardian factors and policies (%s)', (dialect) => {
  const clock = new ManualClock();
  const ctx = useTestContext(dialect, { clock });
  const api = managementApi(ctx);

  const factors = async (options: { token?: string; host?: string } = {}) => {
    const response = await api.call('GET', '/guardian/factors', options);
    expect(response.statusCode).toBe(200);
    return response.json() as Array<{ name: string; enabled: boolean; trial_expired: boolean }>;
  };
  const enabledFactors = async (options: { token?: string; host?: string } = {}) =>
    (await factors(options)).filter((f) => f.enabled).map((f) => f.name);

  describe('GET /guardian/factors', () => {
    it("lists all eight of Auth0's factors, each disabled and within its trial at first", async () => {
      expect(await factors()).toEqual(AUTH0_FACTORS.map((name) => ({ name, enabled: false, trial_expired: false })));
    });

    it('reports trial_expired on sms once the built-in provider has sent its 100 messages', async () => {
      const db = ctx().handle.db;
      await factors(); // the settings row exists once the tenant's settings have been read
      const setSent = (n: number) => db.updateTable('guardian_settings').set({ builtin_messages_sent: n }).where('tenant_id', '=', ctx().tenant.id).execute();
      await setSent(99);
      expect((await factors()).filter((f) => f.trial_expired)).toEqual([]);
      await setSent(100);
      const after = await factors();
      expect(after.filter((f) => f.trial_expired).map((f) => f.name)).toEqual(['sms']);
      expect(after.find((f) => f.name === 'sms')).toEqual({ name: 'sms', enabled: false, trial_expired: true });
      await setSent(0);
    });

    it('refuses query parameters it does not know', async () => {
      const response = await api.call('GET', '/guardian/factors?name=sms');
      expect(response.json()).toEqual(errorBody(400, 'Bad Request', 'invalid_query_string', "Query validation error: 'Additional properties not allowed: name'."));
    });

    itRejectsBadRequests(ctx, api, clock, { method: 'GET', path: () => '/guardian/factors', scopes: ['read:guardian_factors'] });
  });

  describe('PUT /guardian/factors/{name}', () => {
    it('enables and disables a factor; the list shows it', async () => {
      const on = await api.call('PUT', '/guardian/factors/sms', { payload: { enabled: true } });
      expect(on.statusCode).toBe(200);
      expect(on.json()).toEqual({ enabled: true });
      expect(await enabledFactors()).toEqual(['sms']);
      expect((await api.call('PUT', '/guardian/factors/recovery-code', { payload: { enabled: true } })).json()).toEqual({ enabled: true });
      expect(await enabledFactors()).toEqual(['sms', 'recovery-code']);
      const off = await api.call('PUT', '/guardian/factors/sms', { payload: { enabled: false } });
      expect(off.json()).toEqual({ enabled: false });
      expect(await enabledFactors()).toEqual(['recovery-code']);
      // Setting the same value twice is fine.
      expect((await api.call('PUT', '/guardian/factors/sms', { payload: { enabled: false } })).statusCode).toBe(200);
      await api.call('PUT', '/guardian/factors/recovery-code', { payload: { enabled: false } });
      expect(await enabledFactors()).toEqual([]);
    });

    it('writes gd_tenant_update and sapi for the change', async () => {
      await api.call('PUT', '/guardian/factors/otp', { payload: { enabled: true } });
      const update = await waitForLog(api, 'type:gd_tenant_update', (e) => (e.details as { factor?: string }).factor === 'otp');
      expect(update).toMatchObject({ type: 'gd_tenant_update', description: 'Guardian tenant update: factor otp', details: { factor: 'otp', enabled: true } });
      await waitForLog(api, 'type:sapi', (e) => e.description === 'Update a Multi-factor Authentication Factor');
      await api.call('PUT', '/guardian/factors/otp', { payload: { enabled: false } });
    });

    it('answers 404 not_found to a name that is not a factor, naming the factors, and changes nothing', async () => {
      const before = await storeSnapshot(ctx);
      const phone = await api.call('PUT', '/guardian/factors/phone', { payload: { enabled: true } });
      expect(phone.statusCode).toBe(404);
      expect(phone.json()).toEqual(
        errorBody(
          404,
          'Not Found',
          'not_found',
          'Factor "phone" does not exist; the factors are push-notification, sms, email, duo, otp, webauthn-roaming, webauthn-platform, recovery-code (the phone factor is sms)',
        ),
      );
      const upper = await api.call('PUT', '/guardian/factors/SMS', { payload: { enabled: true } });
      expect(upper.statusCode).toBe(404);
      expect(upper.json().message).toMatch(/^Factor "SMS" does not exist/);
      expect(await storeSnapshot(ctx)).toEqual(before);
    });

    it('requires enabled, as a boolean in JSON', async () => {
      const before = await storeSnapshot(ctx);
      const missing = await api.call('PUT', '/guardian/factors/sms', { payload: {} });
      expect(missing.json()).toEqual(errorBody(400, 'Bad Request', 'invalid_body', "Payload validation error: 'Missing required property: enabled'."));
      const text = await api.call('PUT', '/guardian/factors/sms', { payload: { enabled: 'true' } });
      expect(text.json()).toEqual(errorBody(400, 'Bad Request', 'invalid_body', "Payload validation error: 'Expected type boolean on property enabled'."));
      expect(await storeSnapshot(ctx)).toEqual(before);
    });

    it('accepts a form-encoded body', async () => {
      const response = await api.call('PUT', '/guardian/factors/email', { payload: 'enabled=true', headers: form });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ enabled: true });
      expect(await enabledFactors()).toEqual(['email']);
      const bad = await api.call('PUT', '/guardian/factors/email', { payload: 'enabled=perhaps', headers: form });
      expect(bad.json().errorCode).toBe('invalid_body');
      await api.call('PUT', '/guardian/factors/email', { payload: 'enabled=false', headers: form });
      expect(await enabledFactors()).toEqual([]);
    });

    it("changes only the calling tenant's factors", async () => {
      const acme = await acmeToken(ctx);
      const asAcme = { token: acme.token, host: acme.tenant.domain };
      expect((await api.call('PUT', '/guardian/factors/sms', { ...asAcme, payload: { enabled: true } })).statusCode).toBe(200);
      expect(await enabledFactors(asAcme)).toEqual(['sms']);
      expect(await enabledFactors()).toEqual([]);
      await api.call('PUT', '/guardian/factors/duo', { payload: { enabled: true } });
      expect(await enabledFactors(asAcme)).toEqual(['sms']);
      expect(await enabledFactors()).toEqual(['duo']);
      await api.call('PUT', '/guardian/factors/duo', { payload: { enabled: false } });
    });

    itRejectsBadRequests(ctx, api, clock, {
      method: 'PUT',
      path: () => '/guardian/factors/sms',
      scopes: ['update:guardian_factors'],
      body: { valid: () => ({ enabled: true }), unknownField: { trial_expired: false }, wrongType: { enabled: 1 } },
    });
  });

  describe('GET /guardian/policies', () => {
    it('is [] (never) at first', async () => {
      const response = await api.call('GET', '/guardian/policies');
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual([]);
    });

    itRejectsBadRequests(ctx, api, clock, { method: 'GET', path: () => '/guardian/policies', scopes: ['read:mfa_policies'] });
  });

  describe('PUT /guardian/policies', () => {
    const put = (payload: unknown, options: { token?: string; host?: string } = {}) => api.call('PUT', '/guardian/policies', { payload, headers: json, ...options });

    it('takes and answers a bare JSON array; [] means never', async () => {
      for (const policies of [['all-applications'], ['confidence-score'], []]) {
        const response = await put(policies);
        expect(response.statusCode).toBe(200);
        expect(response.json()).toEqual(policies);
        expect((await api.call('GET', '/guardian/policies')).json()).toEqual(policies);
      }
    });

    it('writes gd_tenant_update and sapi', async () => {
      await put(['all-applications']);
      const update = await waitForLog(api, 'type:gd_tenant_update', (e) => (e.details as { setting?: string }).setting === 'policies');
      expect(update).toMatchObject({ description: 'Guardian tenant update: policies', details: { setting: 'policies', policies: ['all-applications'] } });
      await waitForLog(api, 'type:sapi', (e) => e.description === 'Set the Multi-factor Authentication policies');
      await put([]);
    });

    it('refuses unknown policies, both policies at once, repeats and non-arrays, changing nothing', async () => {
      await put(['confidence-score']);
      const before = await storeSnapshot(ctx);
      const never = await put(['never']);
      expect(never.json()).toEqual(
        errorBody(400, 'Bad Request', 'invalid_body', `Payload validation error: '0: must be one of "all-applications", "confidence-score"'.`),
      );
      const both = await put(['all-applications', 'confidence-score']);
      expect(both.json()).toEqual(errorBody(400, 'Bad Request', 'invalid_body', 'policies may hold at most one of "all-applications" and "confidence-score"'));
      const twice = await put(['all-applications', 'all-applications']);
      expect(twice.json()).toEqual(
        errorBody(400, 'Bad Request', 'invalid_body', "Payload validation error: 'must NOT have duplicate items (items ## 0 and 1 are identical)'."),
      );
      const object = await put({ policies: [] });
      expect(object.json()).toEqual(errorBody(400, 'Bad Request', 'invalid_body', "Payload validation error: 'Expected type array'."));
      // A form cannot carry a bare array.
      const formBody = await api.call('PUT', '/guardian/policies', { payload: 'policies=all-applications', headers: form });
      expect(formBody.json()).toEqual(errorBody(400, 'Bad Request', 'invalid_body', "Payload validation error: 'Expected type array'."));
      const malformed = await api.call('PUT', '/guardian/policies', { payload: '["all-applications"', headers: json });
      expect(malformed.json()).toEqual(errorBody(400, 'Bad Request', 'invalid_body', 'Invalid request payload JSON format'));
      const plain = await api.call('PUT', '/guardian/policies', { payload: '[]', headers: { 'content-type': 'text/plain' } });
      expect(plain.statusCode).toBe(415);
      expect(await storeSnapshot(ctx)).toEqual(before);
      expect((await api.call('GET', '/guardian/policies')).json()).toEqual(['confidence-score']);
      await waitForLog(api, 'type:fapi', (e) => e.description === 'Set the Multi-factor Authentication policies');
      await put([]);
    });

    it("changes only the calling tenant's policies", async () => {
      const acme = await acmeToken(ctx);
      const asAcme = { token: acme.token, host: acme.tenant.domain };
      expect((await put(['all-applications'], asAcme)).statusCode).toBe(200);
      expect((await api.call('GET', '/guardian/policies', asAcme)).json()).toEqual(['all-applications']);
      expect((await api.call('GET', '/guardian/policies')).json()).toEqual([]);
    });

    // The array body does not fit the object-body checks of itRejectsBadRequests; the test above covers them.
    itRejectsBadRequests(ctx, api, clock, { method: 'PUT', path: () => '/guardian/policies', scopes: ['update:mfa_policies'] });
  });
});
