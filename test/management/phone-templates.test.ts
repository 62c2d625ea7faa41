import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { errorBody, itRejectsBadRequests, managementApi, storeSnapshot } from './support.js';

const TEMPLATES = '/branding/phone/templates';
const GUARDIAN = '/guardian/factors/phone/templates';

describe.each(DIALECTS)('Management API: Unified Phone templates = the guardian templates (%s)', (dialect) => {
  const clock = new ManualClock();
  const ctx = useTestContext(dialect, { clock });
  const api = managementApi(ctx);

  it('lists the two OTP templates with the built-in defaults until the tenant writes its own', async () => {
    const list = await api.call('GET', TEMPLATES);
    expect(list.statusCode).toBe(200);
    const templates = list.json().templates;
    expect(templates.map((t: { id: string; type: string }) => [t.id, t.type])).toEqual([
      ['tem_otp_enroll', 'otp_enroll'],
      ['tem_otp_verify', 'otp_verify'],
    ]);
    expect(templates[1]).toMatchObject({ channel: 'phone', customizable: true, tenant: ctx().tenant.name, disabled: false, content: { syntax: 'liquid' } });
    expect(templates[1].content.body.text).toContain('{{code}}');
    expect(templates[1].content.body.voice).not.toEqual(templates[1].content.body.text);
  });

  it('a PATCH here is a PUT there and back: one truth, two shapes; reset and DELETE go back to the defaults', async () => {
    const text = '{{code}} は {{tenant.friendly_name}} の確認コードです';
    const patched = await api.call('PATCH', `${TEMPLATES}/tem_otp_verify`, { payload: { content: { body: { text } } } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().content.body).toEqual({ text, voice: text });
    expect((await api.call('GET', GUARDIAN)).json().verification_message).toBe(text);

    const guardianText = '{{code}} enrolls you at {{tenant.friendly_name}}';
    await api.call('PUT', GUARDIAN, { payload: { enrollment_message: guardianText, verification_message: text } });
    expect((await api.call('GET', `${TEMPLATES}/tem_otp_enroll`)).json().content.body.text).toBe(guardianText);

    const reset = await api.call('PATCH', `${TEMPLATES}/tem_otp_verify/reset`, { payload: {} });
    expect(reset.statusCode).toBe(200);
    expect(reset.json().content.body.text).not.toBe(text);
    expect((await api.call('DELETE', `${TEMPLATES}/tem_otp_enroll`)).statusCode).toBe(204);
    const settings = await ctx().services.guardian.settings(ctx().tenant);
    expect(settings.templates).toEqual({ enrollment: null, verification: null });
  });

  it('refuses what Guardline does not send or store, changing nothing', async () => {
    const before = await storeSnapshot(ctx);
    const conflict = await api.call('POST', TEMPLATES, { payload: { type: 'otp_verify', content: { body: { text: '{{code}}' } } } });
    expect(conflict.json()).toEqual(errorBody(409, 'Conflict', 'phone_template_exists', 'Phone template already configured for tenant'));
    expect((await api.call('POST', TEMPLATES, { payload: { type: 'password_breach' } })).statusCode).toBe(400);
    expect((await api.call('PATCH', `${TEMPLATES}/tem_otp_verify`, { payload: { content: { body: { text: '{{code}} a', voice: '{{code}} b' } } } })).statusCode).toBe(400);
    expect((await api.call('PATCH', `${TEMPLATES}/tem_otp_verify`, { payload: { content: { from: '+14155550100' } } })).statusCode).toBe(400);
    expect((await api.call('PATCH', `${TEMPLATES}/tem_otp_verify`, { payload: { disabled: true } })).statusCode).toBe(400);
    expect((await api.call('PATCH', `${TEMPLATES}/tem_otp_verify`, { payload: { content: { body: { text: '{% include "x" %}' } } } })).statusCode).toBe(400);
    const missing = await api.call('GET', `${TEMPLATES}/tem_nope`);
    expect(missing.json()).toEqual(errorBody(404, 'Not Found', 'inexistent_phone_template', 'Phone template does not exist'));
    expect(await storeSnapshot(ctx)).toEqual(before);
  });

  itRejectsBadRequests(ctx, api, clock, { method: 'GET', path: () => TEMPLATES, scopes: ['read:phone_templates'] });
  itRejectsBadRequests(ctx, api, clock, {
    method: 'PATCH',
    path: () => `${TEMPLATES}/tem_otp_verify`,
    scopes: ['update:phone_templates'],
    body: { valid: () => ({ content: { body: { text: '{{code}} ok' } } }), unknownField: { colour: 'blue' }, wrongType: { disabled: 'no' } },
  });
});
