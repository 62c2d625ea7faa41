import { afterAll, describe, expect, it } from 'vitest';
import { FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN, FAKE_FROM, FAKE_MESSAGING_SERVICE_SID, signTwilioCallback, startFakeTwilio, type FakeTwilio } from '../support/fakes/twilio-api.js';
import { codeIn, JP_MOBILE, US_MOBILE, oobExchange } from '../mfa/support.js';
import { DIALECTS, useTestContext, type TestContext } from '../support/harness.js';
import { challengeIn, enrollThrough, ledger } from './support.js';
import { enablePhoneFactor, mfaActors } from '../mfa/support.js';
import type { Tenant } from '../../src/services/tenants.js';

const fake: FakeTwilio = await startFakeTwilio();
afterAll(() => fake.close());

let tenants = 0;

/** Posts Twilio's status callback for a message to Guardline's receipt URL, signed as Twilio signs it. */
function receipt(ctx: TestContext, url: string, params: Record<string, string>, signature = signTwilioCallback(FAKE_AUTH_TOKEN, url, params)) {
  const target = new URL(url);
  return ctx.app.inject({
    method: 'POST',
    url: target.pathname,
    headers: { host: target.host, 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    payload: new URLSearchParams(params).toString(),
  });
}

/**
 * The Done-when of issue 9 for Twilio: through the MFA API exactly as Auth0 documents it, configured through Auth0's
 * guardian endpoints, the code reaches the phone by SMS (From or Messaging Service) and by voice (TwiML), and a
 * signed receipt moves the ledger row to delivered.
 */
describe.each(DIALECTS)('Twilio end to end: guardian endpoints → MFA API → Twilio → receipt (%s)', (dialect) => {
  const ctx = useTestContext(dialect, { providerBaseUrls: { GUARDLINE_TWILIO_BASE_URL: fake.url } });

  async function scene(settings: Record<string, string>, messageTypes: Array<'sms' | 'voice'> = ['sms']): Promise<{ tenant: Tenant; actors: Awaited<ReturnType<typeof mfaActors>> }> {
    const tenant = await ctx().services.tenants.create({ name: `twilio-${process.pid}-${++tenants}` });
    await enablePhoneFactor(ctx(), { messageTypes: ['sms'] }, tenant);
    const { createAdminApplication } = await import('../../src/services/bootstrap.js');
    const { managementToken } = await import('../support/harness.js');
    const admin = await createAdminApplication(ctx().services, tenant);
    const token = await managementToken(ctx(), admin, { tenant });
    const call = (method: 'PUT', path: string, payload: unknown) => ctx().app.inject({ method, url: `/api/v2${path}`, headers: { host: tenant.domain, authorization: `Bearer ${token}` }, payload: payload as object });
    expect((await call('PUT', '/guardian/factors/phone/providers/twilio', settings)).statusCode).toBe(200);
    expect((await call('PUT', '/guardian/factors/phone/selected-provider', { provider: 'twilio' })).statusCode).toBe(200);
    expect((await call('PUT', '/guardian/factors/phone/message-types', { message_types: messageTypes })).statusCode).toBe(200);
    return { tenant, actors: await mfaActors(ctx(), tenant) };
  }
  const lastSms = (to: string) => [...fake.messages].reverse().find((m) => m.to === to)!;

  it('SMS with a From number; a signed receipt marks the attempt delivered, an unsigned one is 403 and changes nothing', async () => {
    const { tenant, actors } = await scene({ sid: FAKE_ACCOUNT_SID, auth_token: FAKE_AUTH_TOKEN, from: FAKE_FROM });
    await enrollThrough(ctx(), tenant, actors, US_MOBILE, () => codeIn(lastSms(US_MOBILE).body));
    expect(lastSms(US_MOBILE)).toMatchObject({ from: FAKE_FROM, messaging_service_sid: null });
    const [row] = await ledger(ctx(), tenant);
    expect(row).toMatchObject({ provider: 'twilio', status: 'queued', provider_message_id: lastSms(US_MOBILE).sid });

    const url = `${tenant.issuer}phone/receipts/${row!.provider_config_id}`;
    const params = { AccountSid: FAKE_ACCOUNT_SID, ApiVersion: '2010-04-01', To: US_MOBILE, From: FAKE_FROM, MessageSid: row!.provider_message_id!, MessageStatus: 'delivered', SmsSid: row!.provider_message_id!, SmsStatus: 'delivered' };
    expect((await receipt(ctx(), url, params, 'bm90LWEtc2lnbmF0dXJl')).statusCode).toBe(403);
    expect(await ledger(ctx(), tenant)).toEqual([row]);
    expect((await receipt(ctx(), url, params)).statusCode).toBe(204);
    expect((await ledger(ctx(), tenant))[0]).toMatchObject({ status: 'delivered' });
  });

  it('SMS through a Messaging Service, and voice (TwiML with the From number) to a Japanese number', async () => {
    const { tenant, actors } = await scene({ sid: FAKE_ACCOUNT_SID, auth_token: FAKE_AUTH_TOKEN, from: FAKE_FROM, messaging_service_sid: FAKE_MESSAGING_SERVICE_SID }, ['sms', 'voice']);
    await enrollThrough(ctx(), tenant, actors, JP_MOBILE, () => codeIn(lastSms(JP_MOBILE).body));
    expect(lastSms(JP_MOBILE)).toMatchObject({ from: null, messaging_service_sid: FAKE_MESSAGING_SERVICE_SID });
    const calls = fake.calls.length;
    const { mfaToken, response } = await challengeIn(ctx(), tenant, actors, { oob_channel: 'voice' });
    expect(response.statusCode).toBe(200);
    expect(fake.calls).toHaveLength(calls + 1);
    const call = fake.calls.at(-1)!;
    expect(call).toMatchObject({ to: JP_MOBILE, from: FAKE_FROM });
    expect(call.twiml).toMatch(/^<Response><Say language="en-US">/);
    // the code is spoken digit by digit, twice, with pauses; the spoken code is the one the exchange accepts
    const spoken = /Your code is:<\/Say><Pause\/><Say language="en-US">(\d(?:, \d){5})\./.exec(call.twiml);
    expect(spoken, call.twiml).not.toBeNull();
    const code = spoken![1]!.replace(/\D/g, '');
    expect((await oobExchange(ctx(), actors.clientAuth, mfaToken, response.json().oob_code, code, tenant)).statusCode).toBe(200);
    expect((await ledger(ctx(), tenant)).at(-1)).toMatchObject({ provider: 'twilio', channel: 'voice', country: 'JP', provider_message_id: call.sid });
  });
});
