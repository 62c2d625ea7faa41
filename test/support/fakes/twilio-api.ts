import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback stand-in for Twilio's REST API — Messages (`POST /2010-04-01/Accounts/{AccountSid}/Messages.json`) and
 * Calls (`…/Calls.json`) — that checks requests as strictly as Twilio does and answers with Twilio's bodies
 * `{code, message, more_info, status}`:
 * - HTTP Basic auth with AccountSid:AuthToken (401, 20003), the account in the path (404, 20404), POST only (405, 20004),
 *   a form-encoded body in which no parameter repeats (except Calls' `StatusCallbackEvent`, which is a list);
 * - Messages: `To` in E.164 (21604 / 21211), `Body` of 1–1600 characters (21602 / 21617), exactly one of `From` /
 *   `MessagingServiceSid` (21603 / 21212 / 21701), `StatusCallback` an absolute http(s) URL (21609);
 * - Calls: `To` (21201 / 21217), `From` (21213 / 21212), inline `Twiml` (21205 when missing, 32018 past 4,000
 *   characters), `StatusCallback` (21609) and `StatusCallbackEvent` ∈ initiated/ringing/answered/completed (21200).
 *   Twilio parses TwiML only when the call connects (error 12100 in its debugger); the fake parses it at once, as a
 *   Response of `<Say language="xx-YY">` with escaped text and `<Pause/>`, so a malformed document fails the test.
 * Accepted requests answer 201 with the resource and are recorded. The fake can be told to fail the next requests
 * with any Twilio error, 5xx, a dropped connection, no answer at all, a slow answer, or a 201 already failed; and it
 * posts signed status callbacks on demand to the URL a message or call asked for.
 */

export const FAKE_ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
export const FAKE_AUTH_TOKEN = 'fake-twilio-auth-token-0123456789';
export const FAKE_FROM = '+14155550100';
export const FAKE_MESSAGING_SERVICE_SID = `MG${'fedcba9876543210'.repeat(2)}`;

const E164 = /^\+[1-9]\d{1,14}$/;
const MESSAGING_SERVICE_SID = /^MG[0-9a-f]{32}$/;
const MESSAGE_LIMIT = 1600;
const TWIML_LIMIT = 4000;
const CALL_EVENTS = new Set(['initiated', 'ringing', 'answered', 'completed']);
const TWIML = /^<Response>(?:<Say language="[a-z]{2}-[A-Z]{2}">(?:[^<>&]|&(?:amp|lt|gt|quot|apos);)+<\/Say>|<Pause\/>)*<\/Response>$/;

export interface FakeTwilioMessage {
  sid: string;
  account_sid: string;
  to: string;
  from: string | null;
  messaging_service_sid: string | null;
  body: string;
  status: 'queued';
}

export interface FakeTwilioCall {
  sid: string;
  account_sid: string;
  to: string;
  from: string;
  twiml: string;
  status: 'queued';
}

/**
 * How the next request(s) go instead of being handled: `http500`/`http503`/`http429` answer Twilio's bodies for those;
 * `close` drops the connection; `hang` never answers (a timeout for the client); `{code}` answers that Twilio error
 * (HTTP 400 unless `status` says otherwise); `{delayMs}` handles the request normally after a delay; `{failedWith}`
 * creates the resource but answers it already `failed` with that error code.
 */
export type FakeTwilioFailure =
  | 'http500'
  | 'http503'
  | 'http429'
  | 'close'
  | 'hang'
  | { code: number; status?: number; message?: string }
  | { delayMs: number }
  | { failedWith: number };

export interface FakeTwilioRequest {
  method: string;
  path: string;
  /** The answer's HTTP status (`0` = connection dropped or never answered). */
  status: number;
  code?: number;
  /** The parsed form (a repeated parameter as an array), when the body was one. */
  form?: Record<string, string | string[]>;
}

export interface StatusCallbackOptions {
  /** Adds `ErrorCode` (and `ErrorMessage` when given), as Twilio does for failed and undelivered messages. */
  errorCode?: number;
  errorMessage?: string;
  /** Posts to this URL instead of the one the message or call asked for (signed for this URL unless `signFor`). */
  url?: string;
  /** Signs as if the callback went to this URL (a captured callback replayed elsewhere). */
  signFor?: string;
  /** Signs with another auth token (a forged callback). */
  authToken?: string;
  /** `null` omits the signature header; a string replaces it. */
  signature?: string | null;
}

export interface FakeTwilio {
  /** Origin to use as the API base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Messages accepted (201), oldest first. */
  readonly messages: FakeTwilioMessage[];
  /** Calls accepted (201), oldest first. */
  readonly calls: FakeTwilioCall[];
  /** Every request that reached the fake, with the answer it got. */
  readonly requests: FakeTwilioRequest[];
  /** The next `count` requests go as `failure` says, whatever they contain. */
  failNext(failure: FakeTwilioFailure, count?: number): void;
  /** Posts a signed status callback for an accepted message (`MessageStatus`) or call (`CallStatus`). */
  sendStatusCallback(sid: string, status: string, options?: StatusCallbackOptions): Promise<Response>;
  close(): Promise<void>;
}

export type TwilioError = { code: number; message: string; more_info: string; status: number };

const twilioError = (status: number, code: number, message: string): TwilioError => ({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

/** Twilio dates are RFC 2822 (`Thu, 01 Jan 2026 00:00:00 +0000`). */
const rfc2822 = (date: Date) => date.toUTCString().replace('GMT', '+0000');

/**
 * Twilio's webhook signature, written here independently of the provider's own (src/delivery/providers/
 * twilio-receipts.ts) so that one mistake made twice cannot pass: URL + each parameter's name and value, sorted by
 * name, HMAC-SHA1 with the auth token, base64.
 */
export function signTwilioCallback(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.entries(params)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .reduce((text, [name, value]) => text + name + value, url);
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

const isCallbackUrl = (value: string) => {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
};

export async function startFakeTwilio(options: { accountSid?: string; authToken?: string } = {}): Promise<FakeTwilio> {
  const accountSid = options.accountSid ?? FAKE_ACCOUNT_SID;
  const authToken = options.authToken ?? FAKE_AUTH_TOKEN;
  const messages: FakeTwilioMessage[] = [];
  const calls: FakeTwilioCall[] = [];
  const requests: FakeTwilioRequest[] = [];
  const failures: FakeTwilioFailure[] = [];
  const callbacks = new Map<string, { url: string | undefined; params: Record<string, string>; kind: 'message' | 'call' }>();
  const timers = new Set<NodeJS.Timeout>();
  let sequence = 0;

  function send(request: IncomingMessage, response: ServerResponse, status: number, payload: { code?: number; [key: string]: unknown }, form?: FakeTwilioRequest['form']) {
    requests.push({
      method: request.method ?? '',
      path: request.url ?? '',
      status,
      ...(payload.code !== undefined && status >= 400 ? { code: payload.code } : {}),
      ...(form ? { form } : {}),
    });
    const text = JSON.stringify(payload);
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    response.end(text);
  }

  function authorised(header: string | undefined): boolean {
    const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header ?? '');
    if (!match) return false;
    return Buffer.from(match[1]!, 'base64').toString('utf8') === `${accountSid}:${authToken}`;
  }

  /** Parses the form strictly: a parameter given twice is an error (unless it is a list), as is a body that is not a form. */
  function parseForm(request: IncomingMessage, raw: string, lists: ReadonlySet<string>): Map<string, string | string[]> | string {
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded') return `Content-Type must be application/x-www-form-urlencoded (got ${JSON.stringify(type)})`;
    const form = new Map<string, string | string[]>();
    for (const [key, value] of new URLSearchParams(raw)) {
      const seen = form.get(key);
      if (lists.has(key)) form.set(key, [...((seen as string[] | undefined) ?? []), value]);
      else if (seen !== undefined) return `Parameter ${key} was given more than once`;
      else form.set(key, value);
    }
    return form;
  }

  const text = (form: Map<string, string | string[]>, key: string) => {
    const value = form.get(key);
    return typeof value === 'string' ? value : undefined;
  };

  function handleMessage(request: IncomingMessage, response: ServerResponse, raw: string, failedWith: number | undefined) {
    const form = parseForm(request, raw, new Set());
    if (typeof form === 'string') return send(request, response, 400, twilioError(400, 21604, `A 'To' phone number is required. (${form})`));
    const record = Object.fromEntries(form) as Record<string, string>;
    const fail = (status: number, code: number, message: string) => send(request, response, status, twilioError(status, code, message), record);
    const to = text(form, 'To');
    const body = text(form, 'Body');
    const from = text(form, 'From');
    const service = text(form, 'MessagingServiceSid');
    const statusCallback = text(form, 'StatusCallback');
    if (!to) return fail(400, 21604, "A 'To' phone number is required.");
    if (!E164.test(to)) return fail(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    if (!body) return fail(400, 21602, 'Message body is required.');
    if ([...body].length > MESSAGE_LIMIT) return fail(400, 21617, `The concatenated message body exceeds the ${MESSAGE_LIMIT} character limit.`);
    if ((from === undefined) === (service === undefined)) return fail(400, 21603, "Exactly one of 'From' and 'MessagingServiceSid' is required.");
    if (from !== undefined && !E164.test(from)) return fail(400, 21212, `The 'From' number ${from} is not a valid phone number, shortcode, or alphanumeric sender ID.`);
    if (service !== undefined && !MESSAGING_SERVICE_SID.test(service)) return fail(400, 21701, `The Messaging Service Sid ${service} is invalid.`);
    if (statusCallback !== undefined && !isCallbackUrl(statusCallback)) return fail(400, 21609, `The StatusCallback URL ${statusCallback} is not a valid URL.`);

    const sid = `SM${randomBytes(16).toString('hex')}`;
    const message: FakeTwilioMessage = { sid, account_sid: accountSid, to, from: from ?? null, messaging_service_sid: service ?? null, body, status: 'queued' };
    messages.push(message);
    const sender: Record<string, string> = service ? { MessagingServiceSid: service } : { From: from! };
    callbacks.set(sid, { url: statusCallback, kind: 'message', params: { AccountSid: accountSid, ApiVersion: '2010-04-01', To: to, ...sender } });
    const now = rfc2822(new Date());
    send(
      request,
      response,
      201,
      {
        ...message,
        ...(failedWith === undefined ? {} : { status: 'failed', error_code: failedWith, error_message: `Message failed with error ${failedWith}.` }),
        api_version: '2010-04-01',
        direction: 'outbound-api',
        num_segments: String(Math.ceil([...body].length / 153) || 1),
        num_media: '0',
        price: null,
        price_unit: 'USD',
        ...(failedWith === undefined ? { error_code: null, error_message: null } : {}),
        date_created: now,
        date_updated: now,
        date_sent: null,
        uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
        subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}/Media.json` },
      },
      record,
    );
  }

  function handleCall(request: IncomingMessage, response: ServerResponse, raw: string, failedWith: number | undefined) {
    const form = parseForm(request, raw, new Set(['StatusCallbackEvent']));
    if (typeof form === 'string') return send(request, response, 400, twilioError(400, 21201, `No 'To' number is specified (${form})`));
    const record = Object.fromEntries(form);
    const fail = (status: number, code: number, message: string) => send(request, response, status, twilioError(status, code, message), record);
    const to = text(form, 'To');
    const from = text(form, 'From');
    const twiml = text(form, 'Twiml');
    const statusCallback = text(form, 'StatusCallback');
    const events = (form.get('StatusCallbackEvent') as string[] | undefined) ?? [];
    if (!to) return fail(400, 21201, "No 'To' number is specified");
    if (!E164.test(to)) return fail(400, 21217, 'Phone number does not appear to be valid');
    if (!from) return fail(400, 21213, 'Caller phone number is required');
    if (!E164.test(from)) return fail(400, 21212, `Invalid From Number (caller ID): ${from}`);
    if (twiml === undefined && !form.has('Url') && !form.has('ApplicationSid')) return fail(400, 21205, 'Url parameter is required.');
    if (twiml !== undefined && twiml.length > TWIML_LIMIT) return fail(400, 32018, `Twiml size exceeded maximum allowed value of ${TWIML_LIMIT} characters`);
    if (twiml !== undefined && !TWIML.test(twiml)) return fail(400, 12100, 'Document parse failure');
    if (statusCallback !== undefined && !isCallbackUrl(statusCallback)) return fail(400, 21609, `The StatusCallback URL ${statusCallback} is not a valid URL.`);
    const unknown = events.find((event) => !CALL_EVENTS.has(event));
    if (unknown !== undefined) return fail(400, 21200, `StatusCallbackEvent ${unknown} is not one of initiated, ringing, answered, completed`);

    const sid = `CA${randomBytes(16).toString('hex')}`;
    const call: FakeTwilioCall = { sid, account_sid: accountSid, to, from, twiml: twiml ?? '', status: 'queued' };
    calls.push(call);
    callbacks.set(sid, {
      url: statusCallback,
      kind: 'call',
      params: { AccountSid: accountSid, ApiVersion: '2010-04-01', CallbackSource: 'call-progress-events', Direction: 'outbound-api', From: from, To: to },
    });
    const now = rfc2822(new Date());
    send(
      request,
      response,
      201,
      {
        sid,
        account_sid: accountSid,
        to,
        to_formatted: to,
        from,
        from_formatted: from,
        status: failedWith === undefined ? 'queued' : 'failed',
        direction: 'outbound-api',
        api_version: '2010-04-01',
        parent_call_sid: null,
        start_time: null,
        end_time: null,
        duration: null,
        price: null,
        price_unit: 'USD',
        answered_by: null,
        caller_name: null,
        queue_time: '0',
        ...(failedWith === undefined ? {} : { error_code: failedWith, error_message: `Call failed with error ${failedWith}.` }),
        date_created: now,
        date_updated: now,
        uri: `/2010-04-01/Accounts/${accountSid}/Calls/${sid}.json`,
      },
      record,
    );
  }

  function handle(request: IncomingMessage, response: ServerResponse, raw: string, failure: FakeTwilioFailure | undefined) {
    if (failure === 'close' || failure === 'hang') {
      requests.push({ method: request.method ?? '', path: request.url ?? '', status: 0 });
      if (failure === 'close') request.socket.destroy();
      return;
    }
    if (failure === 'http500') return send(request, response, 500, twilioError(500, 20500, 'Internal Server Error'));
    if (failure === 'http503') return send(request, response, 503, twilioError(503, 20503, 'Service Unavailable'));
    if (failure === 'http429') return send(request, response, 429, twilioError(429, 20429, 'Too Many Requests'));
    if (typeof failure === 'object' && 'code' in failure) {
      const status = failure.status ?? 400;
      return send(request, response, status, twilioError(status, failure.code, failure.message ?? `Twilio error ${failure.code}`));
    }

    const path = /^\/2010-04-01\/Accounts\/([^/]+)\/(Messages|Calls)\.json$/.exec(request.url ?? '');
    if (!path) return send(request, response, 404, twilioError(404, 20404, `The requested resource ${request.url} was not found`));
    if (request.method !== 'POST') return send(request, response, 405, twilioError(405, 20004, 'Method not allowed'));
    if (!authorised(request.headers.authorization)) return send(request, response, 401, twilioError(401, 20003, 'Authenticate'));
    if (decodeURIComponent(path[1]!) !== accountSid) return send(request, response, 404, twilioError(404, 20404, `The requested resource ${request.url} was not found`));
    const failedWith = typeof failure === 'object' && 'failedWith' in failure ? failure.failedWith : undefined;
    if (path[2] === 'Calls') return handleCall(request, response, raw, failedWith);
    return handleMessage(request, response, raw, failedWith);
  }

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const failure = failures.shift();
      if (typeof failure === 'object' && 'delayMs' in failure) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!response.destroyed) handle(request, response, raw, undefined);
        }, failure.delayMs);
        timers.add(timer);
        return;
      }
      handle(request, response, raw, failure);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  async function sendStatusCallback(sid: string, status: string, callbackOptions: StatusCallbackOptions = {}): Promise<Response> {
    const known = callbacks.get(sid);
    if (!known) throw new Error(`the fake accepted no message or call ${sid}`);
    const url = callbackOptions.url ?? known.url;
    if (!url) throw new Error(`${sid} was sent without a StatusCallback`);
    sequence += 1;
    const params: Record<string, string> =
      known.kind === 'message'
        ? { ...known.params, MessageSid: sid, MessageStatus: status, SmsSid: sid, SmsStatus: status }
        : { ...known.params, CallSid: sid, CallStatus: status, SequenceNumber: String(sequence), Timestamp: rfc2822(new Date()) };
    if (callbackOptions.errorCode !== undefined) params.ErrorCode = String(callbackOptions.errorCode);
    if (callbackOptions.errorMessage !== undefined) params.ErrorMessage = callbackOptions.errorMessage;
    const signature =
      callbackOptions.signature === undefined
        ? signTwilioCallback(callbackOptions.authToken ?? authToken, callbackOptions.signFor ?? url, params)
        : callbackOptions.signature;
    return fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        'user-agent': 'TwilioProxy/1.1',
        ...(signature === null ? {} : { 'x-twilio-signature': signature }),
      },
      body: new URLSearchParams(params).toString(),
    });
  }

  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    calls,
    requests,
    failNext(failure, count = 1) {
      for (let i = 0; i < count; i++) failures.push(failure);
    },
    sendStatusCallback,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
