import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { buildServices } from '../../src/services/index.js';
import { ACTION_RETRY_DELAYS_MS } from '../../src/services/phone-actions/retries.js';
import { startFakeSns, SNS_ACCESS_KEY_ID, SNS_REGION, SNS_SECRET_ACCESS_KEY } from '../support/fakes/amazon-sns.js';
import { readFileSync } from 'node:fs';
import { FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN, FAKE_FROM, startFakeTwilio } from '../support/fakes/twilio-api.js';
import { FAKE_VERIFY_SERVICE_NO_CUSTOM_CODE, FAKE_VERIFY_SERVICE_SID, startFakeTwilioVerify } from '../support/fakes/twilio-verify.js';
import { codeIn, JP_MOBILE, oobExchange, passwordForMfaToken, mfaApi, US_MOBILE } from '../mfa/support.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { challengeIn, ledger } from '../delivery/support.js';
import { actionScene, deployBound } from './support.js';

const verify = await startFakeTwilioVerify();
const sns = await startFakeSns();
const twilioApi = await startFakeTwilio();
afterAll(async () => {
  await verify.close();
  await sns.close();
  await twilioApi.close();
});

/** docs/actions.md's country blocklist example, as printed there. */
const COUNTRY_BLOCKLIST = readFileSync(new URL('../../docs/actions.md', import.meta.url), 'utf8').split('### A country blocklist')[1]!.split('```js')[1]!.split('```')[0]!;

/**
 * Auth0's documented send-phone-message / custom-phone-provider examples, unchanged, as tenants deploy them through
 * the Actions API — delivering real MFA codes (MFA API) to strict loopback fakes of Twilio Verify and Amazon SNS.
 */

/** Auth0 + Twilio's guide "How to configure Auth0 MFA using Twilio Verify" (send-phone-message). */
const TWILIO_VERIFY_SEND_PHONE_MESSAGE = `
exports.onExecuteSendPhoneMessage = async (event, api) => {
  const accountSid = event.secrets.TWILIO_ACCOUNT_SID;
  const authToken = event.secrets.TWILIO_AUTH_TOKEN;
  const client = require('twilio')(accountSid, authToken);
  const { recipient, code, message_type } = event.message_options;
  const channel = message_type === 'voice' ? 'call' : 'sms';
  const verification = await client.verify.v2
    .services(event.secrets.VERIFY_SID)
    .verifications.create({ to: recipient, channel, customCode: code });
  console.log('verification', verification.sid, 'sent to', recipient);
};`;

/** Auth0's send-phone-message trigger page: Amazon SNS with aws-sdk v2. */
const SNS_SEND_PHONE_MESSAGE = `
const AWS = require('aws-sdk');

exports.onExecuteSendPhoneMessage = async (event, api) => {
  const text = event.message_options.text;
  const recipient = event.message_options.recipient;

  const awsSNS = new AWS.SNS({
    apiVersion: '2010-03-31',
    region: event.secrets.AWS_REGION,
    credentials: new AWS.Credentials(event.secrets.AWS_ACCESS_KEY_ID, event.secrets.AWS_SECRET_ACCESS_KEY),
  });

  const params = { Message: text, PhoneNumber: recipient };
  return awsSNS.publish(params).promise();
};`;

/** Auth0's "Configure a custom phone provider with Twilio Verify" (custom-phone-provider). */
const TWILIO_VERIFY_CUSTOM_PROVIDER = `
const twilio = require('twilio');

exports.onExecuteCustomPhoneProvider = async (event, api) => {
  const { TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_VERIFY_SERVICE_SID } = event.secrets;
  const client = twilio(TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN);
  const { recipient, code, delivery_method } = event.notification;
  const channel = delivery_method === 'voice' ? 'call' : 'sms';
  try {
    await client.verify.v2.services(TWILIO_VERIFY_SERVICE_SID).verifications.create({ to: recipient, channel, customCode: code });
  } catch (err) {
    if (err.status >= 500) return api.notification.retry(err.message);
    api.notification.drop(err.message);
  }
};`;

const verifySecrets = (service = FAKE_VERIFY_SERVICE_SID) => ({ TWILIO_ACCOUNT_SID: FAKE_ACCOUNT_SID, TWILIO_AUTH_TOKEN: FAKE_AUTH_TOKEN, VERIFY_SID: service, TWILIO_VERIFY_SERVICE_SID: service });
const lastVerification = (to: string) => [...verify.verifications].reverse().find((v) => v.to === to)!;

describe.each(DIALECTS)('phone actions end to end (%s)', (dialect) => {
  const clock = new ManualClock(new Date());
  const ctx = useTestContext(dialect, {
    clock,
    providerBaseUrls: { GUARDLINE_TWILIO_VERIFY_BASE_URL: verify.url, GUARDLINE_SNS_BASE_URL: sns.url, GUARDLINE_TWILIO_BASE_URL: twilioApi.url },
    actions: { allowPrivateNetwork: true },
  });

  it('send-phone-message: Auth0\'s Twilio Verify example delivers the enrolment code; the execution is recorded without secrets or the code', async () => {
    const { tenant, api, actors } = await actionScene(ctx());
    await deployBound(api, { name: 'twilio-verify', trigger: 'send-phone-message', code: TWILIO_VERIFY_SEND_PHONE_MESSAGE, secrets: verifySecrets(), dependencies: [{ name: 'twilio', version: '4.23.0' }] });
    expect((await api('PUT', '/guardian/factors/phone/selected-provider', { provider: 'phone-message-hook' })).status).toBe(200);

    const mfaToken = await passwordForMfaToken(ctx(), actors, {}, tenant);
    const associate = await mfaApi(ctx(), 'POST', '/mfa/associate', { bearer: mfaToken, host: tenant.domain, payload: { authenticator_types: ['oob'], oob_channels: ['sms'], phone_number: US_MOBILE } });
    expect(associate.statusCode, associate.body).toBe(200);
    const sent = lastVerification(US_MOBILE);
    expect(sent).toMatchObject({ channel: 'sms', service_sid: FAKE_VERIFY_SERVICE_SID });
    expect(sent.custom_code).toMatch(/^\d{6}$/);
    expect((await oobExchange(ctx(), actors.clientAuth, mfaToken, associate.json().oob_code, sent.custom_code, tenant)).statusCode).toBe(200);

    const [row] = await ledger(ctx(), tenant);
    expect(row).toMatchObject({ provider: 'phone-message-hook', status: 'accepted', channel: 'sms' });
    const logs = await ctx().services.events.list(tenant.id, {}, { offset: 0, limit: 100, order: 'asc' }, false);
    const sentEvent = logs.logs.find((l) => l.type === 'gd_send_sms')!;
    const executionId = (sentEvent.details as { actions: { executions: string[] } }).actions.executions[0]!;
    expect(executionId).toBe(row!.provider_message_id);
    const execution = await api('GET', `/actions/executions/${executionId}`);
    expect(execution.status, execution.raw).toBe(200);
    expect(execution.body).toMatchObject({ id: executionId, trigger_id: 'send-phone-message', status: 'final' });
    expect(execution.body!.results[0]).toMatchObject({ action_name: 'twilio-verify', error: null });
    // console.log is captured with the phone number masked; neither the code nor a secret appears anywhere
    expect(JSON.stringify(execution.body!.logs)).toMatch(/verification VE[0-9a-fX]{32} sent to \+X{7}2671/);
    expect(JSON.stringify(execution.body!.logs)).not.toContain(US_MOBILE);
    for (const secret of [FAKE_AUTH_TOKEN, sent.custom_code!]) {
      expect(execution.raw).not.toContain(secret);
      expect(JSON.stringify(logs)).not.toContain(secret);
      expect((await api('GET', '/actions/actions')).raw).not.toContain(secret);
    }
  });

  it('send-phone-message: Auth0\'s Amazon SNS example (aws-sdk v2, SigV4 checked by the fake) delivers the challenge text', async () => {
    const { tenant, api, actors } = await actionScene(ctx());
    await deployBound(api, {
      name: 'sns',
      trigger: 'send-phone-message',
      code: SNS_SEND_PHONE_MESSAGE,
      secrets: { AWS_REGION: SNS_REGION, AWS_ACCESS_KEY_ID: SNS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: SNS_SECRET_ACCESS_KEY },
      dependencies: [{ name: 'aws-sdk', version: '2.1500.0' }],
    });
    expect((await api('PUT', '/guardian/factors/phone/selected-provider', { provider: 'phone-message-hook' })).status).toBe(200);
    const mfaToken = await passwordForMfaToken(ctx(), actors, {}, tenant);
    const associate = await mfaApi(ctx(), 'POST', '/mfa/associate', { bearer: mfaToken, host: tenant.domain, payload: { authenticator_types: ['oob'], oob_channels: ['sms'], phone_number: JP_MOBILE } });
    expect(associate.statusCode, associate.body).toBe(200);
    const message = [...sns.messages].reverse().find((m) => m.to === JP_MOBILE)!;
    expect(message.text).toMatch(/\d{6}/);
    expect((await oobExchange(ctx(), actors.clientAuth, mfaToken, associate.json().oob_code, codeIn(message.text), tenant)).statusCode).toBe(200);
  });

  it('send-phone-message: the country blocklist example of docs/actions.md refuses a blocked destination and sends the rest through Twilio', async () => {
    const { tenant, api, actors } = await actionScene(ctx());
    await deployBound(api, { name: 'blocklist', trigger: 'send-phone-message', code: COUNTRY_BLOCKLIST, secrets: { TWILIO_ACCOUNT_SID: FAKE_ACCOUNT_SID, TWILIO_AUTH_TOKEN: FAKE_AUTH_TOKEN, FROM: FAKE_FROM }, dependencies: [{ name: 'twilio', version: '5.0.0' }] });
    expect((await api('PUT', '/guardian/factors/phone/selected-provider', { provider: 'phone-message-hook' })).status).toBe(200);
    const blocked = '+79161234567';
    const refusedToken = await passwordForMfaToken(ctx(), actors, {}, tenant);
    const refused = await mfaApi(ctx(), 'POST', '/mfa/associate', { bearer: refusedToken, host: tenant.domain, payload: { authenticator_types: ['oob'], oob_channels: ['sms'], phone_number: blocked } });
    expect(refused.statusCode).toBeGreaterThanOrEqual(400);
    expect(refused.statusCode).toBeLessThan(500);
    expect(twilioApi.messages.some((m) => m.to === blocked)).toBe(false);
    const failure = (await ctx().services.events.list(tenant.id, {}, { offset: 0, limit: 100, order: 'asc' }, false)).logs.find((l) => l.type === 'gd_send_sms_failure')!;
    expect(failure.description).toMatch(/This destination is not served/);
    const execution = await api('GET', `/actions/executions/${(failure.details as { actions: { executions: string[] } }).actions.executions[0]}`);
    expect(execution.body).toMatchObject({ status: 'failed', logs: ['log: refused a message to a blocked destination +XXXXXXX4567'] });

    const mfaToken = await passwordForMfaToken(ctx(), actors, {}, tenant);
    const associate = await mfaApi(ctx(), 'POST', '/mfa/associate', { bearer: mfaToken, host: tenant.domain, payload: { authenticator_types: ['oob'], oob_channels: ['sms'], phone_number: JP_MOBILE } });
    expect(associate.statusCode, associate.body).toBe(200);
    const sms = [...twilioApi.messages].reverse().find((m) => m.to === JP_MOBILE)!;
    expect(sms.from).toBe(FAKE_FROM);
    expect((await oobExchange(ctx(), actors.clientAuth, mfaToken, associate.json().oob_code, codeIn(sms.body), tenant)).statusCode).toBe(200);
  });

  it('phone-message-hook cannot be selected without a deployed, bound action (Auth0\'s error), nor a custom provider created', async () => {
    const { api } = await actionScene(ctx());
    const refused = await api('PUT', '/guardian/factors/phone/selected-provider', { provider: 'phone-message-hook' });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ statusCode: 400, errorCode: 'custom_email_provider_deployed_action_not_found' });
    const custom = await api('POST', '/branding/phone/providers', { name: 'custom', configuration: { delivery_methods: ['text'] }, credentials: {} });
    expect(custom.status).toBe(400);
    expect(custom.body).toMatchObject({ errorCode: 'custom_email_provider_deployed_action_not_found' });
    expect((await api('GET', '/guardian/factors/phone/selected-provider')).body).toEqual({ provider: 'auth0' });
  });

  it('custom-phone-provider: Auth0\'s Twilio Verify example places the voice code as a Verify call; a refused custom code is dropped (no retry) and the user is told', async () => {
    const { tenant, api, actors } = await actionScene(ctx(), ['sms', 'voice']);
    await deployBound(api, { name: 'verify-custom', trigger: 'custom-phone-provider', code: TWILIO_VERIFY_CUSTOM_PROVIDER, secrets: verifySecrets(), dependencies: [{ name: 'twilio', version: '5.0.0' }] });
    const provider = await api('POST', '/branding/phone/providers', { name: 'custom', configuration: { delivery_methods: ['text', 'voice'] }, credentials: {} });
    expect(provider.status, provider.raw).toBe(201);

    const mfaToken = await passwordForMfaToken(ctx(), actors, {}, tenant);
    const associate = await mfaApi(ctx(), 'POST', '/mfa/associate', { bearer: mfaToken, host: tenant.domain, payload: { authenticator_types: ['oob'], oob_channels: ['voice'], phone_number: US_MOBILE } });
    expect(associate.statusCode, associate.body).toBe(200);
    const call = lastVerification(US_MOBILE);
    expect(call.channel).toBe('call');
    expect((await oobExchange(ctx(), actors.clientAuth, mfaToken, associate.json().oob_code, call.custom_code, tenant)).statusCode).toBe(200);
    expect((await ledger(ctx(), tenant)).at(-1)).toMatchObject({ provider: 'custom', channel: 'voice', status: 'accepted' });

    // a Verify service without custom codes answers 60204: the action drops the message, nothing is retried
    await deployBound(api, { name: 'verify-custom-2', trigger: 'custom-phone-provider', code: TWILIO_VERIFY_CUSTOM_PROVIDER, secrets: verifySecrets(FAKE_VERIFY_SERVICE_NO_CUSTOM_CODE), dependencies: [{ name: 'twilio', version: '5.0.0' }] });
    const { response } = await challengeIn(ctx(), tenant, actors, { oob_channel: 'sms' });
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(500);
    expect((await ledger(ctx(), tenant)).at(-1)).toMatchObject({ provider: 'custom', status: 'failed' });
    expect(await ctx().handle.db.selectFrom('action_retries').selectAll().where('tenant_id', '=', tenant.id).execute()).toEqual([]);
  });

  it('custom-phone-provider: api.notification.retry runs the action again later, on another node after a restart; the ledger and events follow', async () => {
    const { tenant, api, actors } = await actionScene(ctx());
    // Retries twice (counting in api.cache), then sends through Twilio Verify.
    await deployBound(api, {
      name: 'flaky',
      trigger: 'custom-phone-provider',
      secrets: verifySecrets(),
      dependencies: [{ name: 'twilio', version: '5.0.0' }],
      code: `
        const twilio = require('twilio');
        exports.onExecuteCustomPhoneProvider = async (event, api) => {
          const tries = Number(api.cache.get('tries')?.value ?? 0);
          api.cache.set('tries', String(tries + 1));
          if (tries < 2) return api.notification.retry('gateway busy, try ' + (tries + 1));
          const client = twilio(event.secrets.TWILIO_ACCOUNT_SID, event.secrets.TWILIO_AUTH_TOKEN);
          await client.verify.v2.services(event.secrets.VERIFY_SID).verifications.create({ to: event.notification.recipient, channel: 'sms', customCode: event.notification.code });
        };`,
    });
    expect((await api('POST', '/branding/phone/providers', { name: 'custom', configuration: { delivery_methods: ['text'] }, credentials: {} })).status).toBe(201);
    const before = verify.verifications.length;
    const mfaToken = await passwordForMfaToken(ctx(), actors, {}, tenant);
    const associate = await mfaApi(ctx(), 'POST', '/mfa/associate', { bearer: mfaToken, host: tenant.domain, payload: { authenticator_types: ['oob'], oob_channels: ['sms'], phone_number: UK_NUMBER } });
    expect(associate.statusCode, associate.body).toBe(200);
    expect(verify.verifications.length).toBe(before);
    expect((await ledger(ctx(), tenant))[0]).toMatchObject({ provider: 'custom', status: 'queued' });
    const [stored] = await ctx().handle.db.selectFrom('action_retries').selectAll().where('tenant_id', '=', tenant.id).execute();
    expect(stored).toMatchObject({ attempts: 0, last_reason: 'gateway busy, try 1' });
    expect(stored!.message).toMatch(/^v1\./); // sealed with the instance key (the code is checked below)

    // "Restart": a second set of services over the same database (what another node, or this one restarted, has).
    const node2 = buildServices(ctx().services.deps);
    try {
      expect(await node2.actionRetries.runDue()).toBe(0); // not due yet
      clock.advance(ACTION_RETRY_DELAYS_MS[0]);
      expect(await node2.actionRetries.runDue()).toBe(1); // second try: retry again
      expect(await ctx().handle.db.selectFrom('action_retries').select(['attempts']).where('tenant_id', '=', tenant.id).execute()).toEqual([{ attempts: 1 }]);
      clock.advance(ACTION_RETRY_DELAYS_MS[1]);
      // both "nodes" poll at once: exactly one runs the retry
      const ran = await Promise.all([node2.actionRetries.runDue(), ctx().services.actionRetries.runDue()]);
      expect(ran.sort()).toEqual([0, 1]);
    } finally {
      await node2.close();
    }
    expect(verify.verifications.length).toBe(before + 1);
    const code = lastVerification(UK_NUMBER).custom_code!;
    expect(stored!.message).not.toContain(code);
    expect(stored!.message).not.toContain(UK_NUMBER);
    expect((await oobExchange(ctx(), actors.clientAuth, mfaToken, associate.json().oob_code, code, tenant)).statusCode).toBe(200);
    expect(await ctx().handle.db.selectFrom('action_retries').selectAll().where('tenant_id', '=', tenant.id).execute()).toEqual([]);
    const [row] = await ledger(ctx(), tenant);
    expect(row).toMatchObject({ status: 'sent' });
    expect(JSON.parse(row!.history).map((h: { source: string; status: string }) => `${h.source}:${h.status}`)).toEqual(['send:queued', 'retry:sent']);
    const logs = (await ctx().services.events.list(tenant.id, {}, { offset: 0, limit: 100, order: 'asc' }, false)).logs;
    expect(logs.filter((l) => l.type === 'gd_send_sms').map((l) => (l.details as { retry_attempt?: number }).retry_attempt)).toEqual([undefined, 2]);
  });

  it('custom-phone-provider: after five retries the message fails for good (ledger failed, gd_send_sms_failure)', async () => {
    const { tenant, api, actors } = await actionScene(ctx());
    await deployBound(api, { name: 'always-retry', trigger: 'custom-phone-provider', code: `exports.onExecuteCustomPhoneProvider = async (event, api) => { api.notification.retry('still down'); };` });
    expect((await api('POST', '/branding/phone/providers', { name: 'custom', configuration: { delivery_methods: ['text'] }, credentials: {} })).status).toBe(201);
    const mfaToken = await passwordForMfaToken(ctx(), actors, {}, tenant);
    const associate = await mfaApi(ctx(), 'POST', '/mfa/associate', { bearer: mfaToken, host: tenant.domain, payload: { authenticator_types: ['oob'], oob_channels: ['sms'], phone_number: US_MOBILE } });
    expect(associate.statusCode).toBe(200);
    for (const delay of ACTION_RETRY_DELAYS_MS) {
      clock.advance(delay);
      await ctx().services.actionRetries.runDue();
    }
    expect(await ctx().handle.db.selectFrom('action_retries').selectAll().where('tenant_id', '=', tenant.id).execute()).toEqual([]);
    expect((await ledger(ctx(), tenant))[0]).toMatchObject({ status: 'failed' });
    const failure = (await ctx().services.events.list(tenant.id, {}, { offset: 0, limit: 100, order: 'asc' }, false)).logs.find((l) => l.type === 'gd_send_sms_failure')!;
    expect(failure.details).toMatchObject({ retry_attempt: 5, provider_error: { errorCode: 'action_retries_exhausted' } });
  });
});

const UK_NUMBER = '+447400123456';
