import { randomBytes } from 'node:crypto';
import { type FakeReply, type FakeRequest, json, startVendorFake, strictJson, UNROUTABLE_PREFIX, type VendorFake } from './vendor-fake.js';

/**
 * A loopback stand-in for Mitto's SMS API (`POST /sms`), as strict as the documented one: the `X-Mitto-API-Key`
 * header (a missing or unknown key is refused with HTTP 401 before the body is read — Mitto documents the header,
 * not the refusal body, so the body here is a plain JSON message); a JSON body with `from`, `to`, `text` and an
 * optional `type` (GSM, Unicode, Binary or Auto); the documented `responseCode`s 2–8 for an invalid type, an empty
 * or invalid text, sender or receiver (`to` digits in E.164 without `+`). Accepted messages answer
 * `{"id","timestamp","responseCode":0,"textLength","responseText":"SMS sent"}`.
 */

export const MITTO_API_KEY = 'MittoKey-0123456789abcdef';

export interface FakeMitto extends VendorFake {
  readonly messages: Array<{ messageId: string; from: string; to: string; text: string; type: string }>;
}

export const mittoAnswer = (status: number, responseCode: number, responseText: string): FakeReply =>
  json(status, { id: responseCode === 0 ? randomBytes(16).toString('hex') : null, timestamp: new Date().toISOString(), responseCode, textLength: 0, responseText });

export async function startFakeMitto(): Promise<FakeMitto> {
  const messages: FakeMitto['messages'] = [];

  function handle(request: FakeRequest): FakeReply {
    if (request.method !== 'POST' || request.path !== '/sms') return json(404, { message: 'Not Found' });
    if (request.headers['x-mitto-api-key'] !== MITTO_API_KEY) return json(401, { message: 'Unauthorized' });
    const body = strictJson(request) as Record<string, unknown> | undefined;
    if (!body) return mittoAnswer(400, 3, 'Empty message');
    const type = body.type ?? 'Auto';
    if (typeof type !== 'string' || !['GSM', 'Unicode', 'Binary', 'Auto'].includes(type)) return mittoAnswer(400, 2, 'Invalid type');
    if (typeof body.text !== 'string' || body.text === '') return mittoAnswer(400, 3, 'Empty message');
    if (typeof body.from !== 'string' || body.from === '') return mittoAnswer(400, 5, 'Empty sender');
    if (!/^(?:[0-9]{3,14}|[A-Za-z0-9 ]{3,11})$/.test(body.from)) return mittoAnswer(400, 6, 'Invalid sender');
    if (typeof body.to !== 'string' || body.to === '') return mittoAnswer(400, 7, 'Empty receiver');
    if (!/^[1-9]\d{6,14}$/.test(body.to) || body.to.startsWith(UNROUTABLE_PREFIX.slice(1))) return mittoAnswer(400, 8, 'Invalid receiver');
    const id = randomBytes(16).toString('hex');
    messages.push({ messageId: id, from: body.from, to: body.to, text: body.text, type });
    return json(200, { id, timestamp: new Date().toISOString(), responseCode: 0, textLength: [...body.text].length, responseText: 'SMS sent' });
  }

  const fake = await startVendorFake({
    handle,
    serverError: () => json(503, { message: 'Service Unavailable' }),
    failedStatus: () => mittoAnswer(200, 1, 'Internal error'),
  });
  return Object.assign(fake, { messages });
}
