import { maskPhoneNumber } from '../../domain/phone-number.js';
import type { ProviderError, ProviderMessage, ProviderRuntime, SendOutcome } from '../kit.js';

/**
 * What every integrated provider shares: one HTTP call to its vendor through the injected fetch, with the send's
 * abort signal, turned into either the vendor's answer or a `transient` outcome (timeout, unreachable); and the
 * one way a failure is built, so that no ProviderError message ever carries a secret, the code or the full number.
 * Small and hand-written on purpose: each vendor is one POST, and the classification is the vendor module's job.
 */

export type Failure = Extract<SendOutcome, { kind: 'transient' | 'permanent' | 'misconfigured' }>;
export type FailureKind = Failure['kind'];

export interface VendorAnswer {
  status: number;
  text: string;
}

/** Vendor messages are for operators, not novels: longer ones are cut. */
const MESSAGE_LIMIT = 300;
/** A vendor answer larger than this is not an SMS API answer; only its start is kept. */
const BODY_LIMIT = 64 * 1024;

/**
 * Builds failures for one send: every message is scrubbed of the configured secrets, the one-time code and the
 * destination (masked the way logs mask numbers) before it leaves the provider.
 */
export function failureFor(message: Pick<ProviderMessage, 'code' | 'to'>, secrets: readonly string[]) {
  const digits = message.to.replace(/^\+/, '');
  const hidden = [...secrets, message.code].filter((value) => value.length > 0);
  function scrub(text: string): string {
    let out = text;
    for (const value of hidden) out = out.split(value).join('[redacted]');
    out = out.split(message.to).join(maskPhoneNumber(message.to));
    if (digits.length > 4) out = out.split(digits).join(maskPhoneNumber(message.to));
    return out.length > MESSAGE_LIMIT ? `${out.slice(0, MESSAGE_LIMIT)}…` : out;
  }
  return (kind: FailureKind, errorCode: string, text: string, httpStatus?: number): Failure => {
    const error: ProviderError = { errorCode, message: scrub(text) };
    if (httpStatus !== undefined) error.httpStatus = httpStatus;
    return { kind, error };
  };
}

/** Outcome class of an HTTP status when the body says nothing more precise. */
export function classifyHttpStatus(status: number): FailureKind {
  if (status === 408 || status === 425 || status === 429 || status >= 500) return 'transient';
  // 401/403 (credentials), 402 (credit) and any other 4xx (a request the vendor will never accept): the operator's.
  return 'misconfigured';
}

/**
 * POSTs one request to the vendor. A network failure or an abort (the send's time budget) becomes a `transient`
 * failure; any HTTP answer, success or not, is returned for the vendor module to read.
 */
export async function postToVendor(
  runtime: ProviderRuntime,
  request: { url: string; headers: Record<string, string>; body: string; vendor: string },
  signal: AbortSignal,
  fail: ReturnType<typeof failureFor>,
): Promise<VendorAnswer | Failure> {
  let response: Response;
  try {
    response = await runtime.fetch(request.url, { method: 'POST', headers: request.headers, body: request.body, signal, redirect: 'error' });
  } catch (err) {
    return networkFailure(err, signal, request.vendor, fail);
  }
  try {
    const text = await response.text();
    return { status: response.status, text: text.length > BODY_LIMIT ? text.slice(0, BODY_LIMIT) : text };
  } catch (err) {
    return networkFailure(err, signal, request.vendor, fail);
  }
}

function networkFailure(err: unknown, signal: AbortSignal, vendor: string, fail: ReturnType<typeof failureFor>): Failure {
  if (signal.aborted) return fail('transient', 'timeout', `${vendor} did not answer within the send's time budget`);
  const cause = (err as { cause?: { code?: unknown } }).cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  return fail('transient', 'unreachable', `${vendor} could not be reached${code ? ` (${code})` : ''}`);
}

export function isFailure(value: VendorAnswer | Failure): value is Failure {
  return 'kind' in value;
}

/** JSON body or undefined: vendors answer HTML or nothing at all from proxies and outages. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

/** E.164 without its plus sign, as several vendors spell numbers ("447700900123"). */
export function withoutPlus(e164: string): string {
  return e164.replace(/^\+/, '');
}

/** Reads `object.key` as a string (vendors mix numbers and strings for codes). */
export function field(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const found = (value as Record<string, unknown>)[key];
  if (typeof found === 'string') return found;
  if (typeof found === 'number') return String(found);
  return undefined;
}

export function member(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

export function firstOf(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : undefined;
}

/**
 * The text of the first `<tag>` element of an XML answer (SNS, Esendex), entities decoded. The answers are small
 * and flat, and the only values read are ids, codes and messages, so a regular expression does; nothing here
 * parses untrusted XML into structures.
 */
export function xmlText(xml: string, tag: string): string | undefined {
  const match = new RegExp(`<(?:[A-Za-z_][\\w.-]*:)?${tag}(?:\\s[^>]*)?>([^<]*)</(?:[A-Za-z_][\\w.-]*:)?${tag}>`).exec(xml);
  return match ? decodeXml(match[1]!.trim()) : undefined;
}

/** The value of `attribute` on the first `<tag …>` element. */
export function xmlAttribute(xml: string, tag: string, attribute: string): string | undefined {
  const element = new RegExp(`<(?:[A-Za-z_][\\w.-]*:)?${tag}\\s[^>]*>`).exec(xml);
  if (!element) return undefined;
  const match = new RegExp(`\\s${attribute}\\s*=\\s*"([^"]*)"`).exec(element[0]);
  return match ? decodeXml(match[1]!) : undefined;
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function decodeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&');
}

/** Providers of this family send SMS only; a voice message reaching one is a wiring mistake, not the user's. */
export function voiceRefused(vendor: string, fail: ReturnType<typeof failureFor>): Failure {
  return fail('misconfigured', 'voice_not_supported', `${vendor} is configured for SMS only; it cannot place voice calls`);
}
