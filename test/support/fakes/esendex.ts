import { randomUUID } from 'node:crypto';
import { basicCredentials, type FakeReply, type FakeRequest, startVendorFake, UNROUTABLE_PREFIX, type VendorFake, xml } from './vendor-fake.js';

/**
 * A loopback stand-in for Esendex's REST API v1.0 (`POST /v1.0/messagedispatcher`), answering with the statuses
 * Esendex documents ("Common HTTP errors seen with our API"): 401 without an Authorization header, 403 for wrong
 * credentials or an account reference the login may not use, 402 when the account has no message credits
 * (`credits: 0`), 400 for a malformed body or an invalid recipient. Esendex documents statuses, not error bodies;
 * the fake's error bodies are a plain XML `<errors><error><message>` — an assumption, marked as one in
 * docs/providers.md. Accepted messages answer `<messageheaders batchid><messageheader uri id/></messageheaders>`.
 */

export const ESENDEX_ACCOUNT = 'EX0123456';
export const ESENDEX_USERNAME = 'ops@example.com';
export const ESENDEX_PASSWORD = 'EsendexApiPassword-0123';

export interface FakeEsendex extends VendorFake {
  readonly messages: Array<{ messageId: string; to: string; text: string; from: string | undefined }>;
  /** Sets the message credits left; 0 makes every send a 402. */
  setCredits(credits: number): void;
}

const NS = 'http://api.esendex.com/ns/';
export const esendexError = (status: number, message: string): FakeReply =>
  xml(status, `<?xml version="1.0" encoding="utf-8"?><errors xmlns="${NS}"><error><message>${message}</message></error></errors>`);

/** One element's text, for the fake's strict reading of the request (the request is small and flat). */
function element(body: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(body);
  return match?.[1]?.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

export async function startFakeEsendex(): Promise<FakeEsendex> {
  const messages: FakeEsendex['messages'] = [];
  const state = { credits: 1000 };

  function handle(request: FakeRequest): FakeReply {
    if (request.path !== '/v1.0/messagedispatcher') return esendexError(404, 'Not Found');
    if (request.method !== 'POST') return esendexError(405, 'Method Not Allowed');
    if (!request.headers.authorization) return esendexError(401, 'Not Authorised');
    const credentials = basicCredentials(request.headers.authorization);
    if (!credentials || credentials.user !== ESENDEX_USERNAME || credentials.password !== ESENDEX_PASSWORD) return esendexError(403, 'Forbidden');
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim();
    if (type !== 'application/xml' && type !== 'text/xml') return esendexError(415, 'Unsupported Media Type');
    if (!/^<\?xml[^>]*\?><messages>.*<\/messages>$/s.test(request.body)) return esendexError(400, 'Bad Request: the body is not a messages document');
    if (element(request.body, 'accountreference') !== ESENDEX_ACCOUNT) return esendexError(403, 'Forbidden: the account reference is not accessible to this login');
    const to = element(request.body, 'to');
    const text = element(request.body, 'body');
    if (!to || !text) return esendexError(400, 'Bad Request: a message needs a recipient and a body');
    if (!/^[1-9]\d{6,14}$/.test(to) || to.startsWith(UNROUTABLE_PREFIX.slice(1))) return esendexError(400, 'Bad Request: invalid recipient');
    if (state.credits <= 0) return esendexError(402, 'Payment Required: not enough message credits');
    state.credits -= 1;
    const messageId = randomUUID().toUpperCase();
    messages.push({ messageId, to, text, from: element(request.body, 'from') });
    return xml(
      200,
      `<?xml version="1.0" encoding="utf-8"?><messageheaders batchid="${randomUUID().toUpperCase()}" xmlns="${NS}"><messageheader uri="https://api.esendex.com/v1.0/MessageHeaders/${messageId}" id="${messageId}" /></messageheaders>`,
    );
  }

  const fake = await startVendorFake({
    handle,
    serverError: () => esendexError(500, 'Internal Server Error'),
    // Esendex has no per-message status in a 200; what a 2xx can get wrong is a document without a header.
    failedStatus: () => xml(200, `<?xml version="1.0" encoding="utf-8"?><messageheaders batchid="${randomUUID().toUpperCase()}" xmlns="${NS}" />`),
  });
  return Object.assign(fake, {
    messages,
    setCredits(credits: number) {
      state.credits = credits;
    },
  });
}
