import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { associate, codeIn, enablePhoneFactor, inbox, mfaActors, passwordForMfaToken, US_MOBILE } from '../mfa/support.js';
import { acmeToken, itRejectsBadRequests, managementApi, storeSnapshot } from './support.js';

const PATH = '/guardian/factors/phone/otp-autofill';

describe.each(DIALECTS)('Management API: the SMS one-time-code autofill line (%s)', (dialect) => {
  const clock = new ManualClock();
  const ctx = useTestContext(dialect, { clock });
  const api = managementApi(ctx);

  /** Enrols a new user's phone over `channel`; returns the message the built-in provider (or a test number) kept. */
  async function enrolmentMessage(channel: 'sms' | 'voice', phone = US_MOBILE) {
    const actors = await mfaActors(ctx());
    const token = await passwordForMfaToken(ctx(), actors);
    const response = await associate(ctx(), token, { authenticator_types: ['oob'], oob_channels: [channel], phone_number: phone });
    expect(response.statusCode, response.body).toBe(200);
    const [message] = await inbox(ctx(), phone);
    return message!;
  }

  it('is on by default: an SMS ends with a blank line and "@<issuer host> #<code>"; GET says so', async () => {
    expect((await api.call('GET', PATH)).json()).toEqual({ enabled: true });
    await enablePhoneFactor(ctx());
    const { body } = await enrolmentMessage('sms');
    const code = codeIn(body);
    expect(body).toBe(`${code} is your verification code for Guardline. Please enter this code to verify your enrollment.\n\n@guardline.test #${code}`);
  });

  it("off: Auth0's exact text; on again: the line is back", async () => {
    await enablePhoneFactor(ctx());
    const off = await api.call('PUT', PATH, { payload: { enabled: false } });
    expect(off.statusCode).toBe(200);
    expect(off.json()).toEqual({ enabled: false });
    expect((await api.call('GET', PATH)).json()).toEqual({ enabled: false });
    const plain = await enrolmentMessage('sms');
    expect(plain.body).toBe(`${codeIn(plain.body)} is your verification code for Guardline. Please enter this code to verify your enrollment.`);
    await api.call('PUT', PATH, { payload: { enabled: true } });
    const bound = await enrolmentMessage('sms', '+14155552672');
    expect(bound.body.split('\n').at(-1)).toBe(`@guardline.test #${codeIn(bound.body)}`);
  });

  it('never on a voice script', async () => {
    const testNumber = { phone_number: '+14155550199', code: '424242' };
    await enablePhoneFactor(ctx(), { messageTypes: ['sms', 'voice'], testNumbers: [testNumber] });
    const { body } = await enrolmentMessage('voice', testNumber.phone_number);
    expect(body).toContain('4.2.4.2.4.2');
    expect(body).not.toContain('@');
    expect(body).not.toContain('#');
  });

  it("keeps a tenant template that writes its own origin-bound line as it is; {{code}} means the code, as before", async () => {
    await enablePhoneFactor(ctx());
    await ctx().services.guardian.setTemplates(ctx().tenant, { enrollment: 'Code {{code}}\n\n@login.example.com #{{code}}', verification: null }, {});
    const { body } = await enrolmentMessage('sms');
    const code = codeIn(body);
    expect(body).toBe(`Code ${code}\n\n@login.example.com #${code}`);
    await ctx().services.guardian.setTemplates(ctx().tenant, { enrollment: null, verification: null }, {});
  });

  it("uses the tenant's own login domain, and changes only the calling tenant", async () => {
    const acme = await acmeToken(ctx);
    expect((await api.call('PUT', PATH, { token: acme.token, host: acme.tenant.domain, payload: { enabled: false } })).json()).toEqual({ enabled: false });
    expect((await api.call('GET', PATH)).json()).toEqual({ enabled: true });
    await api.call('PUT', PATH, { token: acme.token, host: acme.tenant.domain, payload: { enabled: true } });
    await enablePhoneFactor(ctx(), {}, acme.tenant);
    const actors = await mfaActors(ctx(), acme.tenant);
    const token = await passwordForMfaToken(ctx(), actors, {}, acme.tenant);
    const response = await associate(ctx(), token, undefined, acme.tenant.domain);
    expect(response.statusCode, response.body).toBe(200);
    const [message] = await inbox(ctx(), US_MOBILE, acme.tenant);
    expect(message!.body.split('\n').at(-1)).toBe(`@acme.guardline.test #${codeIn(message!.body)}`);
  });

  it('a refused PUT changes nothing', async () => {
    const before = await storeSnapshot(ctx);
    const response = await api.call('PUT', PATH, { payload: { enabled: 'no' } });
    expect(response.statusCode).toBe(400);
    expect(await storeSnapshot(ctx)).toEqual(before);
  });

  itRejectsBadRequests(ctx, api, clock, { method: 'GET', path: () => PATH, scopes: ['read:guardian_factors'] });
  itRejectsBadRequests(ctx, api, clock, {
    method: 'PUT',
    path: () => PATH,
    scopes: ['update:guardian_factors'],
    body: { valid: () => ({ enabled: true }), unknownField: { line: 'x' }, wrongType: { enabled: 1 } },
  });
});
