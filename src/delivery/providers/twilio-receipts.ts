import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DeliveryStatus, ReceiptRequest, ReceiptResult } from '../kit.js';
import { twilioProviderError } from './twilio-errors.js';

/**
 * Twilio's status callbacks (Messages' `StatusCallback`, Calls' `StatusCallback` + `StatusCallbackEvent`): the
 * `X-Twilio-Signature` check and the mapping of `MessageStatus` / `CallStatus` to the ledger's status.
 */

export type TwilioParams = Readonly<Record<string, string | readonly string[]>>;

/**
 * Twilio's documented signature: the full URL, then every POST parameter sorted by name with its name and value
 * appended (no separators; a repeated parameter contributes each distinct value, sorted), HMAC-SHA1 keyed by the
 * auth token, base64. Hand-written (ten lines) rather than the 29 MB SDK; checked against Twilio's published vectors.
 */
export function twilioSignature(authToken: string, url: string, params: TwilioParams): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name]!;
    const values = typeof value === 'string' ? [value] : [...new Set(value)].sort();
    for (const each of values) data += name + each;
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/**
 * Twilio signs some callbacks with the URL's default port spelled out (`https://host:443/…`) and some without, so,
 * like Twilio's own libraries, the URL is accepted in either form. Every candidate is computed and compared in
 * constant time, whatever the first comparison says.
 */
export function verifyTwilioSignature(authToken: string, signature: string, url: string, params: TwilioParams): boolean {
  const given = Buffer.from(signature, 'utf8');
  let valid = false;
  for (const candidate of urlForms(url)) {
    const expected = Buffer.from(twilioSignature(authToken, candidate, params), 'utf8');
    valid = (given.length === expected.length && timingSafeEqual(given, expected)) || valid;
  }
  return valid;
}

function urlForms(url: string): string[] {
  const parsed = new URL(url);
  const withoutPort = new URL(url);
  withoutPort.port = '';
  const forms = new Set([url, withoutPort.toString()]);
  if (parsed.port === '') {
    const defaultPort = parsed.protocol === 'https:' ? '443' : '80';
    // URL drops a default port when set through `port`, so the form with it is spelled out by hand.
    forms.add(`${parsed.protocol}//${parsed.username}${parsed.password ? `:${parsed.password}` : ''}${parsed.username || parsed.password ? '@' : ''}${parsed.host}:${defaultPort}${parsed.pathname}${parsed.search}`);
  }
  return [...forms];
}

/** Messaging statuses (Message resource) and call statuses (Call resource) as the ledger records them. */
const MESSAGE_STATUS: Readonly<Record<string, DeliveryStatus>> = {
  accepted: 'accepted',
  scheduled: 'queued',
  queued: 'queued',
  sending: 'queued',
  sent: 'sent',
  delivered: 'delivered',
  read: 'delivered',
  undelivered: 'undelivered',
  failed: 'failed',
  canceled: 'failed',
};
const CALL_STATUS: Readonly<Record<string, DeliveryStatus>> = {
  queued: 'queued',
  initiated: 'queued',
  // The network reached the phone; nobody has answered yet.
  ringing: 'sent',
  // Answered: the script is being (or was) read to the person.
  'in-progress': 'delivered',
  completed: 'delivered',
  busy: 'undelivered',
  'no-answer': 'undelivered',
  failed: 'failed',
  canceled: 'failed',
};

/** A status as Twilio spells it in an API answer or a callback, for a message (`SM…`/`MM…`) or a call (`CA…`). */
export function twilioDeliveryStatus(kind: 'message' | 'call', status: string): DeliveryStatus | undefined {
  const table = kind === 'call' ? CALL_STATUS : MESSAGE_STATUS;
  return Object.hasOwn(table, status) ? table[status] : undefined;
}

const refuse = (reason: 'unauthenticated' | 'malformed', message: string): ReceiptResult => ({ ok: false, reason, message });

function header(headers: ReceiptRequest['headers'], name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

function formParams(body: Record<string, unknown>): TwilioParams | undefined {
  const params: Record<string, string | readonly string[]> = {};
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'))) params[name] = value as string | string[];
    else return undefined;
  }
  return params;
}

const single = (params: TwilioParams, name: string): string | undefined => {
  const value = params[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/**
 * Reads one status callback for the account `accountSid`. The signature is checked first: an unsigned, wrongly
 * signed, or replayed-to-another-URL callback (each tenant's receipt URL differs, so a callback captured for one
 * tenant fails at another's) is `unauthenticated` and must change nothing. Then the callback must be this
 * account's and carry a message or call sid with a status Guardline knows.
 */
export function parseTwilioReceipt(credentials: { sid: string; authToken: string }, request: ReceiptRequest): ReceiptResult {
  const signature = header(request.headers, 'x-twilio-signature');
  if (!signature) return refuse('unauthenticated', 'The X-Twilio-Signature header is missing.');
  const params = formParams(request.body);
  if (!params) return refuse('malformed', 'A Twilio status callback is a form of text parameters.');
  let signed: boolean;
  try {
    signed = verifyTwilioSignature(credentials.authToken, signature, request.url, params);
  } catch {
    return refuse('malformed', 'The callback URL is not a valid absolute URL.');
  }
  if (!signed) return refuse('unauthenticated', 'The X-Twilio-Signature header does not match this URL and body for the configured auth token.');

  if (single(params, 'AccountSid') !== credentials.sid) return refuse('malformed', 'The callback is for another Twilio account (AccountSid).');
  const callSid = single(params, 'CallSid');
  const messageSid = single(params, 'MessageSid') ?? single(params, 'SmsSid');
  const [kind, sid, rawStatus] = callSid
    ? (['call', callSid, single(params, 'CallStatus')] as const)
    : (['message', messageSid, single(params, 'MessageStatus') ?? single(params, 'SmsStatus')] as const);
  if (!sid) return refuse('malformed', 'The callback names no MessageSid or CallSid.');
  if (!rawStatus) return refuse('malformed', `The callback carries no ${kind === 'call' ? 'CallStatus' : 'MessageStatus'}.`);
  const status = twilioDeliveryStatus(kind, rawStatus);
  if (!status) return refuse('malformed', `Unknown ${kind === 'call' ? 'CallStatus' : 'MessageStatus'} ${JSON.stringify(rawStatus.slice(0, 40))}.`);

  const errorCode = single(params, 'ErrorCode');
  if (errorCode === undefined) return { ok: true, messageId: sid, status };
  const message = single(params, 'ErrorMessage') ?? `Twilio reported error ${errorCode} (https://www.twilio.com/docs/api/errors/${encodeURIComponent(errorCode)}).`;
  return { ok: true, messageId: sid, status, error: twilioProviderError(errorCode, message) };
}
