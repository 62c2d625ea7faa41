import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback stand-in for Twilio's Messages API (`POST /2010-04-01/Accounts/{AccountSid}/Messages.json`) that checks
 * requests as strictly as Twilio does and answers with Twilio's bodies: HTTP Basic auth with AccountSid:AuthToken
 * (401, code 20003), a form-encoded body, `To` in E.164 (21604 / 21211), `Body` of 1–1600 characters (21602 / 21617),
 * exactly one of `From` / `MessagingServiceSid` (21603 / 21212 / 21701). Accepted messages answer 201 with the
 * message resource and are recorded; the fake can be told to fail the next requests (500, 429, or a dropped connection).
 */

export const FAKE_ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
export const FAKE_AUTH_TOKEN = 'fake-twilio-auth-token-0123456789';
export const FAKE_FROM = '+14155550100';
export const FAKE_MESSAGING_SERVICE_SID = `MG${'fedcba9876543210'.repeat(2)}`;

const E164 = /^\+[1-9]\d{1,14}$/;
const MESSAGING_SERVICE_SID = /^MG[0-9a-f]{32}$/;
const MESSAGE_LIMIT = 1600;

export interface FakeTwilioMessage {
  sid: string;
  account_sid: string;
  to: string;
  from: string | null;
  messaging_service_sid: string | null;
  body: string;
  status: 'queued';
}

/** How the next request(s) fail instead of being handled. */
export type FakeTwilioFailure = 'http500' | 'http429' | 'close';

export interface FakeTwilio {
  /** Origin to use as the API URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Messages accepted (201), oldest first. */
  readonly messages: FakeTwilioMessage[];
  /** Every request that reached the fake, with the answer it got (`0` = connection dropped). */
  readonly requests: Array<{ method: string; path: string; status: number; code?: number }>;
  /** The next `count` requests fail with `failure`, whatever they contain. */
  failNext(failure: FakeTwilioFailure, count?: number): void;
  close(): Promise<void>;
}

export type TwilioError = {
  code: number;
  message: string;
  more_info: string;
  status: number;
};

const twilioError = (status: number, code: number, message: string): TwilioError => ({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

/** Twilio dates are RFC 2822 (`Thu, 01 Jan 2026 00:00:00 +0000`). */
const rfc2822 = (date: Date) => date.toUTCString().replace('GMT', '+0000');

export async function startFakeTwilio(options: { accountSid?: string; authToken?: string } = {}): Promise<FakeTwilio> {
  const accountSid = options.accountSid ?? FAKE_ACCOUNT_SID;
  const authToken = options.authToken ?? FAKE_AUTH_TOKEN;
  const messages: FakeTwilioMessage[] = [];
  const requests: FakeTwilio['requests'] = [];
  const failures: FakeTwilioFailure[] = [];

  function send(request: IncomingMessage, response: ServerResponse, status: number, payload: { code?: number; [key: string]: unknown }) {
    requests.push({ method: request.method ?? '', path: request.url ?? '', status, ...(payload.code !== undefined && status >= 400 ? { code: payload.code } : {}) });
    const text = JSON.stringify(payload);
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    response.end(text);
  }

  function authorised(header: string | undefined): boolean {
    const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header ?? '');
    if (!match) return false;
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    return decoded === `${accountSid}:${authToken}`;
  }

  /** Parses the form strictly: a parameter given twice is an error, as is a body that is not a form. */
  function parseForm(request: IncomingMessage, raw: string): Map<string, string> | string {
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded') return `Content-Type must be application/x-www-form-urlencoded (got ${JSON.stringify(type)})`;
    const form = new Map<string, string>();
    for (const [key, value] of new URLSearchParams(raw)) {
      if (form.has(key)) return `Parameter ${key} was given more than once`;
      form.set(key, value);
    }
    return form;
  }

  function handle(request: IncomingMessage, response: ServerResponse, raw: string) {
    const failure = failures.shift();
    if (failure === 'close') {
      requests.push({ method: request.method ?? '', path: request.url ?? '', status: 0 });
      request.socket.destroy();
      return;
    }
    if (failure === 'http500') return send(request, response, 500, twilioError(500, 20500, 'Internal Server Error'));
    if (failure === 'http429') return send(request, response, 429, twilioError(429, 20429, 'Too Many Requests'));

    const path = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(request.url ?? '');
    if (!path) return send(request, response, 404, twilioError(404, 20404, `The requested resource ${request.url} was not found`));
    if (request.method !== 'POST') return send(request, response, 405, twilioError(405, 20004, 'Method not allowed'));
    if (!authorised(request.headers.authorization)) return send(request, response, 401, twilioError(401, 20003, 'Authenticate'));
    if (decodeURIComponent(path[1]!) !== accountSid) return send(request, response, 404, twilioError(404, 20404, `The requested resource ${request.url} was not found`));

    const form = parseForm(request, raw);
    if (typeof form === 'string') return send(request, response, 400, twilioError(400, 21604, `A 'To' phone number is required. (${form})`));
    const to = form.get('To');
    const body = form.get('Body');
    const from = form.get('From');
    const service = form.get('MessagingServiceSid');
    if (!to) return send(request, response, 400, twilioError(400, 21604, "A 'To' phone number is required."));
    if (!E164.test(to)) return send(request, response, 400, twilioError(400, 21211, `The 'To' number ${to} is not a valid phone number.`));
    if (!body) return send(request, response, 400, twilioError(400, 21602, 'Message body is required.'));
    if ([...body].length > MESSAGE_LIMIT) return send(request, response, 400, twilioError(400, 21617, `The concatenated message body exceeds the ${MESSAGE_LIMIT} character limit.`));
    if ((from === undefined) === (service === undefined)) {
      return send(request, response, 400, twilioError(400, 21603, "Exactly one of 'From' and 'MessagingServiceSid' is required."));
    }
    if (from !== undefined && !E164.test(from)) return send(request, response, 400, twilioError(400, 21212, `The 'From' number ${from} is not a valid phone number, shortcode, or alphanumeric sender ID.`));
    if (service !== undefined && !MESSAGING_SERVICE_SID.test(service)) return send(request, response, 400, twilioError(400, 21701, `The Messaging Service Sid ${service} is invalid.`));

    const sid = `SM${randomBytes(16).toString('hex')}`;
    const message: FakeTwilioMessage = { sid, account_sid: accountSid, to, from: from ?? null, messaging_service_sid: service ?? null, body, status: 'queued' };
    messages.push(message);
    const now = rfc2822(new Date());
    send(request, response, 201, {
      ...message,
      api_version: '2010-04-01',
      direction: 'outbound-api',
      num_segments: String(Math.ceil([...body].length / 153) || 1),
      num_media: '0',
      price: null,
      price_unit: 'USD',
      error_code: null,
      error_message: null,
      date_created: now,
      date_updated: now,
      date_sent: null,
      uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
      subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}/Media.json` },
    });
  }

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handle(request, response, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    requests,
    failNext(failure, count = 1) {
      for (let i = 0; i < count; i++) failures.push(failure);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
