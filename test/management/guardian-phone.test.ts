import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { acmeToken, errorBody, itRejectsBadRequests, managementApi, storeSnapshot, waitForLog } from './support.js';

const form = { 'content-type': 'application/x-www-form-urlencoded' };
const invalid = (message: string) => errorBody(400, 'Bad Request', 'invalid_body', message);
const schemaError = (detail: string) => invalid(`Payload validation error: '${detail}'.`);
const settingOf = (e: Record<string, unknown>) => (e.details as { setting?: string }).setting;

describe.each(DIALECTS)('Management API: phone factor settings (%s)', (dialect) => {
  const clock = new ManualClock();
  const ctx = useTestContext(dialect, { clock });
  const api = managementApi(ctx);
  const get = async (path: string, options: { token?: string; host?: string } = {}) => {
    const response = await api.call('GET', path, options);
    expect(response.statusCode).toBe(200);
    return response.json();
  };

  it('a refused change on a tenant whose settings were never read or written writes nothing', async () => {
    const settingsRows = () => ctx().handle.db.selectFrom('guardian_settings').selectAll().where('tenant_id', '=', ctx().tenant.id).execute();
    expect(await settingsRows()).toEqual([]);
    const before = await storeSnapshot(ctx);
    const code = await api.call('PUT', '/guardian/factors/phone/test-numbers', { payload: { test_numbers: [{ phone_number: '+14155550100', code: '12' }] } });
    expect(code.json()).toEqual(invalid("test_numbers[0].code: must be exactly 6 digits (the tenant's code length)"));
    const token = await api.call('PUT', '/guardian/factors/phone/providers/twilio', { payload: { sid: 'AC1', auth_token: '****abcd' } });
    expect(token.statusCode).toBe(400);
    expect(await storeSnapshot(ctx)).toEqual(before);
    expect(await settingsRows()).toEqual([]);
  });

  describe('/guardian/factors/phone/message-types', () => {
    const path = '/guardian/factors/phone/message-types';

    it('is ["sms"] at first', async () => {
      expect(await get(path)).toEqual({ message_types: ['sms'] });
    });

    it('round-trips sms, voice and both (in a fixed order), logging each change', async () => {
      for (const [sent, stored] of [
        [['voice'], ['voice']],
        [['voice', 'sms'], ['sms', 'voice']],
        [['sms'], ['sms']],
      ]) {
        const response = await api.call('PUT', path, { payload: { message_types: sent } });
        expect(response.statusCode).toBe(200);
        expect(response.json()).toEqual({ message_types: stored });
        expect(await get(path)).toEqual({ message_types: stored });
      }
      const update = await waitForLog(api, 'type:gd_tenant_update', (e) => settingOf(e) === 'phone/message-types');
      expect(update).toMatchObject({ description: 'Guardian tenant update: phone/message-types', details: { message_types: expect.any(Array) } });
      await waitForLog(api, 'type:sapi', (e) => e.description === 'Update the Enabled Phone Factors');
    });

    it('refuses an empty list, repeats and unknown types, changing nothing', async () => {
      const before = await storeSnapshot(ctx);
      const empty = await api.call('PUT', path, { payload: { message_types: [] } });
      expect(empty.json()).toEqual(schemaError('message_types: must NOT have fewer than 1 items'));
      const twice = await api.call('PUT', path, { payload: { message_types: ['sms', 'sms'] } });
      expect(twice.json()).toEqual(schemaError('message_types: must NOT have duplicate items (items ## 0 and 1 are identical)'));
      const email = await api.call('PUT', path, { payload: { message_types: ['email'] } });
      expect(email.json()).toEqual(schemaError('message_types.0: must be one of "sms", "voice"'));
      const missing = await api.call('PUT', path, { payload: {} });
      expect(missing.json()).toEqual(schemaError('Missing required property: message_types'));
      expect(await storeSnapshot(ctx)).toEqual(before);
    });

    it('accepts a form: one field or repeated fields', async () => {
      const one = await api.call('PUT', path, { payload: 'message_types=voice', headers: form });
      expect(one.json()).toEqual({ message_types: ['voice'] });
      const both = await api.call('PUT', path, { payload: 'message_types=sms&message_types=voice', headers: form });
      expect(both.json()).toEqual({ message_types: ['sms', 'voice'] });
      await api.call('PUT', path, { payload: { message_types: ['sms'] } });
    });

    it("changes only the calling tenant's message types", async () => {
      const acme = await acmeToken(ctx);
      const asAcme = { token: acme.token, host: acme.tenant.domain };
      await api.call('PUT', path, { ...asAcme, payload: { message_types: ['voice'] } });
      expect(await get(path, asAcme)).toEqual({ message_types: ['voice'] });
      expect(await get(path)).toEqual({ message_types: ['sms'] });
    });

    itRejectsBadRequests(ctx, api, clock, { method: 'GET', path: () => path, scopes: ['read:guardian_factors'] });
    itRejectsBadRequests(ctx, api, clock, {
      method: 'PUT',
      path: () => path,
      scopes: ['update:guardian_factors'],
      body: { valid: () => ({ message_types: ['sms', 'voice'] }), unknownField: { default: 'sms' }, wrongType: { message_types: 'sms' } },
    });
  });

  describe('/guardian/factors/{phone,sms}/selected-provider', () => {
    const phone = '/guardian/factors/phone/selected-provider';
    const sms = '/guardian/factors/sms/selected-provider';

    it('is auth0 (the built-in provider) at first, on both paths', async () => {
      expect(await get(phone)).toEqual({ provider: 'auth0' });
      expect(await get(sms)).toEqual({ provider: 'auth0' });
    });

    it('the deprecated sms path and the phone path are one setting', async () => {
      const viaPhone = await api.call('PUT', phone, { payload: { provider: 'twilio' } });
      expect(viaPhone.statusCode).toBe(200);
      expect(viaPhone.json()).toEqual({ provider: 'twilio' });
      expect(await get(sms)).toEqual({ provider: 'twilio' });
      // phone-message-hook needs a deployed action bound to send-phone-message (docs/actions.md)
      const { catalogue, bindings } = ctx().services.actions;
      const action = await catalogue.create(ctx().tenant, { name: 'hook', supported_triggers: [{ id: 'send-phone-message', version: 'v2' }], code: 'exports.onExecuteSendPhoneMessage = async () => {};' });
      await catalogue.deploy(ctx().tenant, action.id);
      await bindings.replace(ctx().tenant, 'send-phone-message', [{ ref: { type: 'action_id', value: action.id } }]);
      const viaSms = await api.call('PUT', sms, { payload: { provider: 'phone-message-hook' } });
      expect(viaSms.json()).toEqual({ provider: 'phone-message-hook' });
      expect(await get(phone)).toEqual({ provider: 'phone-message-hook' });
      await waitForLog(api, 'type:gd_tenant_update', (e) => settingOf(e) === 'phone/selected-provider' && (e.details as { provider?: string }).provider === 'phone-message-hook');
      await waitForLog(api, 'type:sapi', (e) => e.description === 'Update phone configuration (one of auth0|twilio|phone-message-hook)');
      await waitForLog(api, 'type:sapi', (e) => e.description === 'Update SMS configuration (one of auth0|twilio|phone-message-hook)');
      await api.call('PUT', phone, { payload: 'provider=auth0', headers: form });
      expect(await get(phone)).toEqual({ provider: 'auth0' });
    });

    it('refuses a provider it does not know, changing nothing', async () => {
      const before = await storeSnapshot(ctx);
      for (const path of [phone, sms]) {
        const response = await api.call('PUT', path, { payload: { provider: 'vonage' } });
        expect(response.json()).toEqual(schemaError('provider: must be one of "auth0", "twilio", "phone-message-hook"'));
      }
      expect(await storeSnapshot(ctx)).toEqual(before);
    });

    it("changes only the calling tenant's provider", async () => {
      const acme = await acmeToken(ctx);
      const asAcme = { token: acme.token, host: acme.tenant.domain };
      await api.call('PUT', phone, { ...asAcme, payload: { provider: 'twilio' } });
      expect(await get(sms, asAcme)).toEqual({ provider: 'twilio' });
      expect(await get(sms)).toEqual({ provider: 'auth0' });
    });

    for (const path of [phone, sms]) {
      describe(path, () => {
        itRejectsBadRequests(ctx, api, clock, { method: 'GET', path: () => path, scopes: ['read:guardian_factors'] });
        itRejectsBadRequests(ctx, api, clock, {
          method: 'PUT',
          path: () => path,
          scopes: ['update:guardian_factors'],
          body: { valid: () => ({ provider: 'twilio' }), unknownField: { name: 'twilio' }, wrongType: { provider: ['twilio'] } },
        });
      });
    }
  });

  describe('/guardian/factors/phone/settings (Guardline extension)', () => {
    const path = '/guardian/factors/phone/settings';
    const numbers = '/guardian/factors/phone/test-numbers';

    it('is 6 digits and 300 seconds at first', async () => {
      expect(await get(path)).toEqual({ otp_length: 6, otp_lifetime: 300 });
    });

    it('changes one field at a time, keeping the other, and logs each change', async () => {
      const length = await api.call('PUT', path, { payload: { otp_length: 8 } });
      expect(length.statusCode).toBe(200);
      expect(length.json()).toEqual({ otp_length: 8, otp_lifetime: 300 });
      const lifetime = await api.call('PUT', path, { payload: { otp_lifetime: 600 } });
      expect(lifetime.json()).toEqual({ otp_length: 8, otp_lifetime: 600 });
      expect(await get(path)).toEqual({ otp_length: 8, otp_lifetime: 600 });
      const bounds = await api.call('PUT', path, { payload: { otp_length: 4, otp_lifetime: 60 } });
      expect(bounds.json()).toEqual({ otp_length: 4, otp_lifetime: 60 });
      const upper = await api.call('PUT', path, { payload: 'otp_length=10&otp_lifetime=900', headers: form });
      expect(upper.json()).toEqual({ otp_length: 10, otp_lifetime: 900 });
      const update = await waitForLog(api, 'type:gd_tenant_update', (e) => settingOf(e) === 'phone/settings' && (e.details as { otp_length?: number }).otp_length === 10);
      expect(update.details).toEqual({ setting: 'phone/settings', otp_length: 10, otp_lifetime: 900 });
      await waitForLog(api, 'type:sapi', (e) => e.description === 'Update phone code settings');
      await api.call('PUT', path, { payload: { otp_length: 6, otp_lifetime: 300 } });
    });

    it('refuses values out of range, fractions, an empty body and a length its test numbers do not have, changing nothing', async () => {
      await api.call('PUT', numbers, { payload: { test_numbers: [{ phone_number: '+14155550100', code: '123456' }] } });
      const before = await storeSnapshot(ctx);
      const cases: Array<[Record<string, unknown>, unknown]> = [
        [{}, schemaError('must NOT have fewer than 1 properties')],
        [{ otp_length: 3 }, schemaError('otp_length: must be >= 4')],
        [{ otp_length: 11 }, schemaError('otp_length: must be <= 10')],
        [{ otp_lifetime: 59 }, schemaError('otp_lifetime: must be >= 60')],
        [{ otp_lifetime: 901 }, schemaError('otp_lifetime: must be <= 900')],
        [{ otp_length: 6.5 }, schemaError('Expected type integer on property otp_length')],
        [{ otp_lifetime: '300' }, schemaError('Expected type integer on property otp_lifetime')],
        [{ otp_length: 8 }, invalid('otp_length 8 does not match the codes of 1 test number(s): update them first')],
      ];
      for (const [payload, expected] of cases) {
        const response = await api.call('PUT', path, { payload });
        expect(response.json(), JSON.stringify(payload)).toEqual(expected);
      }
      expect(await storeSnapshot(ctx)).toEqual(before);
      await api.call('PUT', numbers, { payload: { test_numbers: [] } });
    });

    itRejectsBadRequests(ctx, api, clock, { method: 'GET', path: () => path, scopes: ['read:guardian_factors'] });
    itRejectsBadRequests(ctx, api, clock, {
      method: 'PUT',
      path: () => path,
      scopes: ['update:guardian_factors'],
      body: { valid: () => ({ otp_length: 6 }), unknownField: { otp_alphabet: 'digits' }, wrongType: { otp_lifetime: '5m' } },
    });
  });

  describe('/guardian/factors/phone/test-numbers (Guardline extension)', () => {
    const path = '/guardian/factors/phone/test-numbers';
    const us = { phone_number: '+14155550100', code: '123456' };
    const jp = { phone_number: '+81312345678', code: '654321' };

    it('is empty at first', async () => {
      expect(await get(path)).toEqual({ test_numbers: [] });
    });

    it('replaces the list, [] clears it, and the log shows only masked numbers', async () => {
      const set = await api.call('PUT', path, { payload: { test_numbers: [us, jp] } });
      expect(set.statusCode).toBe(200);
      expect(set.json()).toEqual({ test_numbers: [us, jp] });
      expect(await get(path)).toEqual({ test_numbers: [us, jp] });
      expect((await api.call('PUT', path, { payload: { test_numbers: [jp] } })).json()).toEqual({ test_numbers: [jp] });
      const update = await waitForLog(api, 'type:gd_tenant_update', (e) => settingOf(e) === 'phone/test-numbers');
      expect(update.details).toEqual({ setting: 'phone/test-numbers', test_numbers: ['XXXXXXX5678'] });
      await waitForLog(api, 'type:sapi', (e) => e.description === 'Update phone test numbers');
      const logs = await api.call('GET', '/logs?per_page=100');
      expect(logs.body).not.toContain('4155550100');
      expect(logs.body).not.toContain('312345678');
      expect(logs.body).not.toContain('654321');
      expect((await api.call('PUT', path, { payload: { test_numbers: [] } })).json()).toEqual({ test_numbers: [] });
      expect(await get(path)).toEqual({ test_numbers: [] });
    });

    it('follows the code length: codes must have as many digits as the tenant sends', async () => {
      await api.call('PUT', '/guardian/factors/phone/settings', { payload: { otp_length: 8 } });
      const six = await api.call('PUT', path, { payload: { test_numbers: [us] } });
      expect(six.json()).toEqual(invalid("test_numbers[0].code: must be exactly 8 digits (the tenant's code length)"));
      const eight = await api.call('PUT', path, { payload: { test_numbers: [{ ...us, code: '12345678' }] } });
      expect(eight.statusCode).toBe(200);
      await api.call('PUT', path, { payload: { test_numbers: [] } });
      await api.call('PUT', '/guardian/factors/phone/settings', { payload: { otp_length: 6 } });
    });

    it('refuses numbers that are not E.164, repeats, wrong codes and more than 20 entries, changing nothing', async () => {
      await api.call('PUT', path, { payload: { test_numbers: [us] } });
      const before = await storeSnapshot(ctx);
      const cases: Array<[unknown[], unknown]> = [
        [
          [jp, { phone_number: '+1 415 555 0100', code: '123456' }],
          invalid('test_numbers[1]: phone_number must be in E.164 format: a plus sign, the country code and the number, digits only, e.g. +14155550100'),
        ],
        [[jp, jp], invalid('test_numbers[1].phone_number: the same number as test_numbers[0]')],
        [[{ ...us, code: '12a456' }], invalid("test_numbers[0].code: must be exactly 6 digits (the tenant's code length)")],
        [[{ ...us, code: '' }], schemaError('test_numbers.0.code: must NOT have fewer than 1 characters')],
        [[{ phone_number: us.phone_number }], schemaError('Missing required property: code')],
        [[{ ...us, label: 'review' }], schemaError('Additional properties not allowed: label')],
        [Array.from({ length: 21 }, () => us), schemaError('test_numbers: must NOT have more than 20 items')],
      ];
      for (const [list, expected] of cases) {
        const response = await api.call('PUT', path, { payload: { test_numbers: list } });
        expect(response.json(), JSON.stringify(list).slice(0, 100)).toEqual(expected);
      }
      expect(await storeSnapshot(ctx)).toEqual(before);
      expect(await get(path)).toEqual({ test_numbers: [us] });
      await api.call('PUT', path, { payload: { test_numbers: [] } });
    });

    it("changes only the calling tenant's test numbers", async () => {
      const acme = await acmeToken(ctx);
      const asAcme = { token: acme.token, host: acme.tenant.domain };
      await api.call('PUT', path, { ...asAcme, payload: { test_numbers: [jp] } });
      expect(await get(path, asAcme)).toEqual({ test_numbers: [jp] });
      expect(await get(path)).toEqual({ test_numbers: [] });
    });

    itRejectsBadRequests(ctx, api, clock, { method: 'GET', path: () => path, scopes: ['read:guardian_factors'] });
    itRejectsBadRequests(ctx, api, clock, {
      method: 'PUT',
      path: () => path,
      scopes: ['update:guardian_factors'],
      body: { valid: () => ({ test_numbers: [us] }), unknownField: { numbers: [] }, wrongType: { test_numbers: us } },
    });
  });
});
