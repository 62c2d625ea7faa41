import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { acmeToken, errorBody, itRejectsBadRequests, managementApi, storeSnapshot, waitForLog } from './support.js';

const PHONE = '/guardian/factors/phone/templates';
const SMS = '/guardian/factors/sms/templates';
const form = { 'content-type': 'application/x-www-form-urlencoded' };
const invalid = (message: string) => errorBody(400, 'Bad Request', 'invalid_body', message);
const schemaError = (detail: string) => invalid(`Payload validation error: '${detail}'.`);

/** Auth0's defaults, byte for byte (reference §1.2: the verification text has no full stop). */
const AUTH0_DEFAULTS = {
  enrollment_message: '{{code}} is your verification code for {{tenant.friendly_name}}. Please enter this code to verify your enrollment.',
  verification_message: '{{code}} is your verification code for {{tenant.friendly_name}}',
};
const CUSTOM = {
  enrollment_message: '{{tenant.friendly_name}}: {{code}} を入力して登録を完了してください。',
  verification_message: '{% if message_type == "voice" %}Your code is {{pause}}{{code}}{% else %}{{code}} is your code{% endif %}',
};

describe.each(DIALECTS)('Management API: phone message templates (%s)', (dialect) => {
  const clock = new ManualClock();
  const ctx = useTestContext(dialect, { clock });
  const api = managementApi(ctx);
  const get = async (path: string, options: { token?: string; host?: string } = {}) => {
    const response = await api.call('GET', path, options);
    expect(response.statusCode).toBe(200);
    return response.json();
  };
  const storedTemplates = async () => {
    const row = await ctx().handle.db.selectFrom('guardian_settings').selectAll().where('tenant_id', '=', ctx().tenant.id).executeTakeFirst();
    return row && { enrollment: row.enrollment_template, verification: row.verification_template };
  };

  it("answers Auth0's English defaults while the tenant has none, on both paths", async () => {
    expect(await get(PHONE)).toEqual(AUTH0_DEFAULTS);
    expect(await get(SMS)).toEqual(AUTH0_DEFAULTS);
  });

  it('stores both templates; the phone and the deprecated sms paths are one setting', async () => {
    const response = await api.call('PUT', PHONE, { payload: CUSTOM });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(CUSTOM);
    expect(await get(PHONE)).toEqual(CUSTOM);
    expect(await get(SMS)).toEqual(CUSTOM);
    expect(await storedTemplates()).toEqual({ enrollment: CUSTOM.enrollment_message, verification: CUSTOM.verification_message });
    const viaSms = { enrollment_message: 'Enroll: {{code}}', verification_message: 'Sign in: {{code}}' };
    expect((await api.call('PUT', SMS, { payload: viaSms })).json()).toEqual(viaSms);
    expect(await get(PHONE)).toEqual(viaSms);
  });

  it('stores the default text as given when it is sent explicitly (then every locale gets it)', async () => {
    await api.call('PUT', PHONE, { payload: AUTH0_DEFAULTS });
    expect(await storedTemplates()).toEqual({ enrollment: AUTH0_DEFAULTS.enrollment_message, verification: AUTH0_DEFAULTS.verification_message });
  });

  it('DELETE goes back to the per-locale defaults (Guardline extension)', async () => {
    await api.call('PUT', PHONE, { payload: CUSTOM });
    const response = await api.call('DELETE', PHONE);
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expect(await storedTemplates()).toEqual({ enrollment: null, verification: null });
    expect(await get(PHONE)).toEqual(AUTH0_DEFAULTS);
    expect(await get(SMS)).toEqual(AUTH0_DEFAULTS);
    // Twice is fine.
    expect((await api.call('DELETE', PHONE)).statusCode).toBe(204);
    await waitForLog(api, 'type:sapi', (e) => e.description === 'Reset Enrollment and Verification Phone Templates');
    const update = await waitForLog(api, 'type:gd_tenant_update', (e) => (e.details as { enrollment_message?: unknown }).enrollment_message === null);
    expect(update.details).toEqual({ setting: 'phone/templates', enrollment_message: null, verification_message: null });
  });

  it("writes gd_tenant_update and sapi under each path's operation name", async () => {
    await api.call('PUT', PHONE, { payload: { enrollment_message: 'Logged enroll {{code}}', verification_message: 'Logged verify {{code}}' } });
    await api.call('PUT', SMS, { payload: { enrollment_message: 'Logged sms enroll {{code}}', verification_message: 'Logged sms verify {{code}}' } });
    const update = await waitForLog(api, 'type:gd_tenant_update', (e) => (e.details as { enrollment_message?: unknown }).enrollment_message === 'Logged enroll {{code}}');
    expect(update).toMatchObject({ description: 'Guardian tenant update: phone/templates', details: { setting: 'phone/templates', verification_message: 'Logged verify {{code}}' } });
    await waitForLog(api, 'type:sapi', (e) => e.description === 'Update Enrollment and Verification Phone Templates');
    await waitForLog(api, 'type:sapi', (e) => e.description === 'Update SMS Enrollment and Verification Templates');
  });

  it('refuses a template that does not parse or uses an unknown variable or filter, naming the field, line and column; stores neither', async () => {
    await api.call('PUT', PHONE, { payload: CUSTOM });
    const before = await storeSnapshot(ctx);
    const ok = '{{code}} is your code';
    const cases: Array<[Record<string, unknown>, unknown]> = [
      [
        { enrollment_message: '{{code}} for {{tenant.name}}', verification_message: ok },
        invalid(
          'enrollment_message: line 1, column 16: unknown variable `tenant.name`; known: code, locale, message_type, pause, tenant.friendly_name, tenant.friendlyName, requestInfo.lang',
        ),
      ],
      [{ enrollment_message: ok, verification_message: 'line one\n{% if code %}oops' }, invalid('verification_message: line 2, column 1: tag {% if code %} not closed')],
      [{ enrollment_message: ok, verification_message: '{{ code | shout }}' }, invalid('verification_message: line 1, column 1: unknown filter `shout`')],
      [{ enrollment_message: ok, verification_message: '{% include "other" %}' }, expect.objectContaining({ errorCode: 'invalid_body', message: expect.stringMatching(/^verification_message: line 1, column 1: .*include/) })],
      [{ enrollment_message: '', verification_message: ok }, schemaError('enrollment_message: must NOT have fewer than 1 characters')],
      [{ enrollment_message: ok, verification_message: 'x'.repeat(2001) }, schemaError('verification_message: must NOT have more than 2000 characters')],
      [{ enrollment_message: ok }, schemaError('Missing required property: verification_message')],
      [{ enrollment_message: ok, verification_message: null }, schemaError('Expected type string on property verification_message')],
    ];
    for (const [payload, expected] of cases) {
      for (const path of [PHONE, SMS]) {
        const response = await api.call('PUT', path, { payload });
        expect(response.statusCode, `${path} ${JSON.stringify(payload).slice(0, 80)}`).toBe(400);
        expect(response.json(), `${path} ${JSON.stringify(payload).slice(0, 80)}`).toEqual(expected);
      }
    }
    expect(await storeSnapshot(ctx)).toEqual(before);
    expect(await get(PHONE)).toEqual(CUSTOM);
  });

  it('accepts a form-encoded body', async () => {
    const payload = new URLSearchParams({ enrollment_message: 'Form enroll {{code}}', verification_message: 'Form verify {{code}}' }).toString();
    const response = await api.call('PUT', PHONE, { payload, headers: form });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ enrollment_message: 'Form enroll {{code}}', verification_message: 'Form verify {{code}}' });
  });

  it("a tenant never sees another tenant's templates", async () => {
    const acme = await acmeToken(ctx);
    const asAcme = { token: acme.token, host: acme.tenant.domain };
    const acmeTemplates = { enrollment_message: 'Acme enroll {{code}}', verification_message: 'Acme verify {{code}}' };
    await api.call('PUT', PHONE, { payload: CUSTOM });
    expect(await get(SMS, asAcme)).toEqual(AUTH0_DEFAULTS);
    await api.call('PUT', SMS, { ...asAcme, payload: acmeTemplates });
    expect(await get(PHONE, asAcme)).toEqual(acmeTemplates);
    expect(await get(PHONE)).toEqual(CUSTOM);
    expect((await api.call('DELETE', PHONE, asAcme)).statusCode).toBe(204);
    expect(await get(PHONE)).toEqual(CUSTOM);
  });

  for (const path of [PHONE, SMS]) {
    describe(path, () => {
      itRejectsBadRequests(ctx, api, clock, { method: 'GET', path: () => path, scopes: ['read:guardian_factors'] });
      itRejectsBadRequests(ctx, api, clock, {
        method: 'PUT',
        path: () => path,
        scopes: ['update:guardian_factors'],
        body: { valid: () => ({ ...AUTH0_DEFAULTS }), unknownField: { locale: 'ja' }, wrongType: { enrollment_message: ['{{code}}'] } },
      });
    });
  }
  describe(`DELETE ${PHONE}`, () => {
    itRejectsBadRequests(ctx, api, clock, { method: 'DELETE', path: () => PHONE, scopes: ['update:guardian_factors'] });
  });
});
