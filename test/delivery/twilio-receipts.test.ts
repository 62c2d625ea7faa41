import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceiptRequest } from '../../src/delivery/kit.js';
import { twilioDeliveryStatus, twilioSignature, verifyTwilioSignature } from '../../src/delivery/providers/twilio-receipts.js';
import { FAKE_AUTH_TOKEN, FAKE_FROM } from '../support/fakes/twilio-api.js';
import { budget, FROM_CONFIG, message, SERVICE_CONFIG, useFakeTwilio } from './twilio-support.js';

/**
 * Delivery receipts: Twilio's status callbacks, signed with X-Twilio-Signature. The fake posts them (signed by its own
 * implementation of Twilio's algorithm) to a loopback receiver standing in for the per-tenant receipt route; the
 * provider's parseReceipt must accept exactly the genuine ones.
 */

const twilio = useFakeTwilio();

/** Captures what a receipt route would hand parseReceipt: the full URL, the headers and the parsed form. */
const received: ReceiptRequest[] = [];
let receiverOrigin = '';
const receiver = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body: Record<string, string | string[]> = {};
    for (const [name, value] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) {
      const seen = body[name];
      body[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
    }
    const headers = Object.fromEntries(Object.entries(request.headers as IncomingHttpHeaders).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]));
    received.push({ url: `${receiverOrigin}${request.url}`, headers, body });
    response.writeHead(204).end();
  });
});
beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverOrigin = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

const tenantUrl = (tenant: string) => `${receiverOrigin}/receipts/twilio/${tenant}`;

async function sentSms(config = FROM_CONFIG) {
  const outcome = await twilio.provider(config).send(message({ statusCallbackUrl: tenantUrl('tenant-a') }), budget());
  if (outcome.kind !== 'delivered-to-provider') throw new Error(`not sent: ${JSON.stringify(outcome)}`);
  return outcome.messageId;
}

async function callback(sid: string, status: string, options?: Parameters<typeof twilio.fake.sendStatusCallback>[2]) {
  const count = received.length;
  expect((await twilio.fake.sendStatusCallback(sid, status, options)).status).toBe(204);
  expect(received).toHaveLength(count + 1);
  return received.at(-1)!;
}

describe("Twilio's signature algorithm, on Twilio's published examples", () => {
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  it('the example of the webhook security page', () => {
    const params = { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' };
    expect(twilioSignature('12345', url, params)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
  });

  const params = { CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' };
  it("twilio-node's vectors: plain, with the default port either way, repeated parameters", () => {
    expect(twilioSignature('12345', url, params)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    expect(verifyTwilioSignature('12345', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', url.replace('.com', '.com:443'), params)).toBe(true);
    expect(verifyTwilioSignature('12345', 'kvajT1Ptam85bY51eRf/AJRuM3w=', url, params)).toBe(true);
    expect(twilioSignature('12345', url, { 'MessagingBinding.Address': ['+1415xxxxxxx', '+1325xxxxxxx'] })).toBe('83O6e2vORAoJHUNzJjDWN1jz+BA=');
    expect(twilioSignature('12345', url, { Sid: 'CA123', SidAccount: 'AC123', Digits: ['5678', '1234', '1234'] })).toBe('IK+Dwps556ElfBT0I3Rgjkr1wJU=');
  });

  it('refuses another token, another URL, another parameter value, a truncated signature', () => {
    expect(verifyTwilioSignature('12346', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', url, params)).toBe(false);
    expect(verifyTwilioSignature('12345', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', `${url}&baz=3`, params)).toBe(false);
    expect(verifyTwilioSignature('12345', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', url, { ...params, Digits: '1235' })).toBe(false);
    expect(verifyTwilioSignature('12345', 'RSOYDt4T1cUTdK1PDd93/VVr8B8', url, params)).toBe(false);
    expect(verifyTwilioSignature('12345', 'ÿ'.repeat(28), url, params)).toBe(false);
  });
});

describe('parseReceipt for Twilio status callbacks', () => {
  it('a signed message callback maps MessageStatus (and its ErrorCode) onto the ledger status', async () => {
    const sid = await sentSms();
    const instance = twilio.provider();
    expect(instance.parseReceipt!(await callback(sid, 'sent'))).toEqual({ ok: true, messageId: sid, status: 'sent' });
    expect(instance.parseReceipt!(await callback(sid, 'delivered'))).toEqual({ ok: true, messageId: sid, status: 'delivered' });
    expect(instance.parseReceipt!(await callback(sid, 'undelivered', { errorCode: 30003 }))).toEqual({
      ok: true,
      messageId: sid,
      status: 'undelivered',
      error: { errorCode: '30003', message: 'Twilio reported error 30003 (https://www.twilio.com/docs/api/errors/30003).' },
    });
    expect(instance.parseReceipt!(await callback(sid, 'failed', { errorCode: 30008, errorMessage: 'Unknown error from +14155552671' }))).toMatchObject({
      status: 'failed',
      error: { errorCode: '30008', message: 'Unknown error from XXXXXXX2671' },
    });
  });

  it('works for messages sent through a Messaging Service', async () => {
    const sid = await sentSms(SERVICE_CONFIG);
    expect(twilio.provider(SERVICE_CONFIG).parseReceipt!(await callback(sid, 'delivered'))).toEqual({ ok: true, messageId: sid, status: 'delivered' });
  });

  it('a signed call callback maps CallStatus: ringing → sent, in-progress/completed → delivered, no-answer → undelivered', async () => {
    const outcome = await twilio.provider().send(message({ channel: 'voice', text: 'Hello', statusCallbackUrl: tenantUrl('tenant-a') }), budget());
    const sid = outcome.kind === 'delivered-to-provider' ? outcome.messageId : '';
    const instance = twilio.provider();
    expect(instance.parseReceipt!(await callback(sid, 'ringing'))).toEqual({ ok: true, messageId: sid, status: 'sent' });
    expect(instance.parseReceipt!(await callback(sid, 'in-progress'))).toEqual({ ok: true, messageId: sid, status: 'delivered' });
    expect(instance.parseReceipt!(await callback(sid, 'completed'))).toEqual({ ok: true, messageId: sid, status: 'delivered' });
    expect(instance.parseReceipt!(await callback(sid, 'no-answer'))).toEqual({ ok: true, messageId: sid, status: 'undelivered' });
  });

  it('an unsigned callback is unauthenticated', async () => {
    const sid = await sentSms();
    expect(twilio.provider().parseReceipt!(await callback(sid, 'delivered', { signature: null }))).toEqual({
      ok: false,
      reason: 'unauthenticated',
      message: 'The X-Twilio-Signature header is missing.',
    });
  });

  it('a callback signed with another auth token, or with a garbled signature, is unauthenticated', async () => {
    const sid = await sentSms();
    const instance = twilio.provider();
    expect(instance.parseReceipt!(await callback(sid, 'delivered', { authToken: `${FAKE_AUTH_TOKEN}-other` }))).toMatchObject({ ok: false, reason: 'unauthenticated' });
    expect(instance.parseReceipt!(await callback(sid, 'delivered', { signature: 'not-a-signature' }))).toMatchObject({ ok: false, reason: 'unauthenticated' });
  });

  it("a callback replayed to another tenant's receipt URL is unauthenticated, even with the same Twilio account", async () => {
    const sid = await sentSms();
    const replayed = await callback(sid, 'delivered', { url: tenantUrl('tenant-b'), signFor: tenantUrl('tenant-a') });
    expect(replayed.url).toBe(tenantUrl('tenant-b'));
    expect(twilio.provider().parseReceipt!(replayed)).toMatchObject({ ok: false, reason: 'unauthenticated' });
    // The same callback where it was meant to go is genuine.
    expect(twilio.provider().parseReceipt!(await callback(sid, 'delivered', { signFor: tenantUrl('tenant-a') }))).toMatchObject({ ok: true });
  });

  it('a callback whose body was changed after signing is unauthenticated', async () => {
    const sid = await sentSms();
    const genuine = await callback(sid, 'undelivered', { errorCode: 30003 });
    expect(twilio.provider().parseReceipt!({ ...genuine, body: { ...genuine.body, MessageStatus: 'delivered' } })).toMatchObject({ ok: false, reason: 'unauthenticated' });
    const { ErrorCode: _dropped, ...withoutError } = genuine.body;
    expect(twilio.provider().parseReceipt!({ ...genuine, body: withoutError })).toMatchObject({ ok: false, reason: 'unauthenticated' });
  });

  it('a genuine signature over an unusable body is malformed', async () => {
    const url = tenantUrl('tenant-a');
    const sign = (body: Record<string, string>): ReceiptRequest => ({ url, headers: { 'X-Twilio-Signature': twilioSignature(FAKE_AUTH_TOKEN, url, body) }, body });
    const instance = twilio.provider();
    const base = { AccountSid: FROM_CONFIG.sid, From: FAKE_FROM };
    expect(instance.parseReceipt!(sign({ ...base, MessageSid: 'SM1', MessageStatus: 'teleported' }))).toEqual({ ok: false, reason: 'malformed', message: 'Unknown MessageStatus "teleported".' });
    expect(instance.parseReceipt!(sign({ ...base, MessageStatus: 'sent' }))).toMatchObject({ ok: false, reason: 'malformed', message: 'The callback names no MessageSid or CallSid.' });
    expect(instance.parseReceipt!(sign({ ...base, CallSid: 'CA1' }))).toMatchObject({ ok: false, reason: 'malformed', message: 'The callback carries no CallStatus.' });
    expect(instance.parseReceipt!(sign({ ...base, AccountSid: `AC${'f'.repeat(32)}`, MessageSid: 'SM1', MessageStatus: 'sent' }))).toMatchObject({ ok: false, reason: 'malformed' });
    expect(instance.parseReceipt!({ url, headers: { 'x-twilio-signature': 'x' }, body: { MessageSid: 1 } })).toMatchObject({ ok: false, reason: 'malformed' });
    expect(instance.parseReceipt!({ url: '/relative', headers: { 'x-twilio-signature': 'x' }, body: {} })).toMatchObject({ ok: false, reason: 'malformed' });
  });
});

describe('Twilio statuses on the ledger', () => {
  it.each([
    ['message', 'accepted', 'accepted'],
    ['message', 'queued', 'queued'],
    ['message', 'sending', 'queued'],
    ['message', 'sent', 'sent'],
    ['message', 'delivered', 'delivered'],
    ['message', 'read', 'delivered'],
    ['message', 'undelivered', 'undelivered'],
    ['message', 'failed', 'failed'],
    ['message', 'canceled', 'failed'],
    ['message', 'ringing', undefined],
    ['call', 'queued', 'queued'],
    ['call', 'initiated', 'queued'],
    ['call', 'ringing', 'sent'],
    ['call', 'in-progress', 'delivered'],
    ['call', 'completed', 'delivered'],
    ['call', 'busy', 'undelivered'],
    ['call', 'no-answer', 'undelivered'],
    ['call', 'failed', 'failed'],
    ['call', 'canceled', 'failed'],
    ['call', 'toString', undefined],
  ] as const)('%s %s → %s', (kind, status, expected) => {
    expect(twilioDeliveryStatus(kind, status)).toBe(expected);
  });
});
