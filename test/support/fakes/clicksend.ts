import { randomUUID } from 'node:crypto';
import { basicCredentials, type FakeReply, type FakeRequest, json, startVendorFake, strictJson, UNROUTABLE_PREFIX, type VendorFake } from './vendor-fake.js';

/**
 * A loopback stand-in for ClickSend's REST API v3 (`POST /v3/sms/send`), as strict as the real one: HTTP Basic
 * with API username : API key (401 `UNAUTHORIZED`); a JSON body with `messages[]` each carrying `body` and `to`
 * (a message without them gets the per-message status MISSING_REQUIRED_FIELDS); `to` in international format
 * with `+` (else INVALID_RECIPIENT) — in an HTTP 200 answer, as ClickSend reports per-message refusals.
 */

export const CLICKSEND_USERNAME = 'guardline-api';
export const CLICKSEND_API_KEY = 'ABCDEF12-3456-7890-ABCD-EF1234567890';

export interface FakeClickSend extends VendorFake {
  readonly messages: Array<{ messageId: string; to: string; text: string; from: string | undefined; source: string | undefined }>;
}

export const clicksendError = (status: number, responseCode: string, responseMsg: string): FakeReply =>
  json(status, { http_code: status, response_code: responseCode, response_msg: responseMsg, data: null });

export const clicksendMessageStatus = (to: string, status: string): FakeReply =>
  json(200, {
    http_code: 200,
    response_code: 'SUCCESS',
    response_msg: 'Messages queued for delivery.',
    data: { total_price: 0, total_count: 1, queued_count: 0, messages: [{ direction: 'out', date: Math.floor(Date.now() / 1000), to, message_id: randomUUID().toUpperCase(), status }] },
  });

export async function startFakeClickSend(): Promise<FakeClickSend> {
  const messages: FakeClickSend['messages'] = [];

  function handle(request: FakeRequest): FakeReply {
    if (request.path !== '/v3/sms/send') return clicksendError(404, 'NOT_FOUND', 'Resource not found.');
    if (request.method !== 'POST') return clicksendError(405, 'METHOD_NOT_FOUND', 'Method not allowed.');
    const credentials = basicCredentials(request.headers.authorization);
    if (!credentials || credentials.user !== CLICKSEND_USERNAME || credentials.password !== CLICKSEND_API_KEY) {
      return clicksendError(401, 'UNAUTHORIZED', 'Invalid credentials.');
    }
    const body = strictJson(request) as { messages?: unknown } | undefined;
    if (!Array.isArray(body?.messages) || body.messages.length === 0) return clicksendError(400, 'BAD_REQUEST', 'Messages array is required.');
    const entry = body.messages[0] as Record<string, unknown>;
    const to = typeof entry.to === 'string' ? entry.to : '';
    if (typeof entry.body !== 'string' || entry.body === '' || to === '') return clicksendMessageStatus(to, 'MISSING_REQUIRED_FIELDS');
    if (!/^\+[1-9]\d{6,14}$/.test(to) || to.startsWith(UNROUTABLE_PREFIX)) return clicksendMessageStatus(to, 'INVALID_RECIPIENT');
    const messageId = randomUUID().toUpperCase();
    messages.push({ messageId, to, text: entry.body, from: typeof entry.from === 'string' ? entry.from : undefined, source: typeof entry.source === 'string' ? entry.source : undefined });
    return json(200, {
      http_code: 200,
      response_code: 'SUCCESS',
      response_msg: 'Messages queued for delivery.',
      data: {
        total_price: 0.07,
        total_count: 1,
        queued_count: 1,
        messages: [{ direction: 'out', date: Math.floor(Date.now() / 1000), to, body: entry.body, from: entry.from ?? '', schedule: 0, message_id: messageId, message_parts: 1, message_price: '0.0700', country: 'GB', status: 'SUCCESS' }],
        _currency: { currency_name_short: 'USD', currency_prefix_d: '$', currency_prefix_c: '¢', currency_name_long: 'US Dollars' },
      },
    });
  }

  const fake = await startVendorFake({
    handle,
    serverError: () => clicksendError(500, 'INTERNAL_SERVER_ERROR', 'Internal server error.'),
    failedStatus: () => clicksendMessageStatus('+447700900123', 'INSUFFICIENT_CREDIT'),
  });
  return Object.assign(fake, { messages });
}
