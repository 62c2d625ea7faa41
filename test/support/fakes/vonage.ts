import { randomBytes } from 'node:crypto';
import { type FakeReply, type FakeRequest, json, startVendorFake, strictForm, UNROUTABLE_PREFIX, type VendorFake } from './vendor-fake.js';

/**
 * A loopback stand-in for Vonage's SMS API (`POST /sms/json`, developer.vonage.com/en/api/sms), as strict as the
 * real one: form body; `api_key` and `api_secret` in the body (or Basic auth) must match, else status 4
 * "Bad Credentials"; `from`, `to`, `text` required (status 2 "Missing … param"); `to` digits only, in
 * international format without `+` (status 3 "Invalid to address"); an unassigned country code is status 6.
 * Every answer is HTTP 200 with the `messages` array, as Vonage answers failures too.
 */

export const VONAGE_API_KEY = 'a1b2c3d4';
export const VONAGE_API_SECRET = 'VonageSecret0123456789';

export interface FakeVonage extends VendorFake {
  /** Messages accepted (status 0), oldest first. */
  readonly messages: Array<{ messageId: string; from: string; to: string; text: string; type: string }>;
}

export const vonageStatus = (status: string, errorText: string): FakeReply =>
  json(200, { 'message-count': '1', messages: [{ status, 'error-text': errorText }] });

export async function startFakeVonage(): Promise<FakeVonage> {
  const messages: FakeVonage['messages'] = [];

  function handle(request: FakeRequest): FakeReply {
    if (request.method !== 'POST' || request.path !== '/sms/json') return json(404, { type: 'https://developer.nexmo.com/api-errors#not-found', title: 'Not Found' });
    const form = strictForm(request);
    if (typeof form === 'string') return vonageStatus('2', `Missing api_key (${form})`);
    const apiKey = form.get('api_key');
    const apiSecret = form.get('api_secret');
    if (!apiKey || !apiSecret) return vonageStatus('2', 'Missing api_key');
    if (apiKey !== VONAGE_API_KEY || apiSecret !== VONAGE_API_SECRET) return vonageStatus('4', 'Bad Credentials');
    for (const name of ['from', 'to', 'text']) if (!form.get(name)) return vonageStatus('2', `Missing ${name} param`);
    const to = form.get('to')!;
    if (!/^[1-9]\d{6,14}$/.test(to)) return vonageStatus('3', 'Invalid to address');
    if (to.startsWith(UNROUTABLE_PREFIX.slice(1))) return vonageStatus('6', 'Unroutable message - rejected');
    const type = form.get('type') ?? 'text';
    if (!['text', 'unicode', 'binary'].includes(type)) return vonageStatus('3', 'Invalid type');
    const messageId = randomBytes(8).toString('hex').toUpperCase();
    messages.push({ messageId, from: form.get('from')!, to, text: form.get('text')!, type });
    return json(200, {
      'message-count': '1',
      messages: [{ to, 'message-id': messageId, status: '0', 'remaining-balance': '3.14159265', 'message-price': '0.03330000', network: '44010' }],
    });
  }

  const fake = await startVendorFake({
    handle,
    serverError: () => json(500, { type: 'https://developer.nexmo.com/api-errors#internal-error', title: 'Internal Error' }),
    failedStatus: () => vonageStatus('9', 'Quota Exceeded - rejected'),
  });
  return Object.assign(fake, { messages });
}
