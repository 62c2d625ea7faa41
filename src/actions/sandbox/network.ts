import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { FetchRecord, NetworkPolicy } from '../types.js';

/**
 * The host side of an action's `fetch`: http(s) only, no private network unless the operator allows it, the
 * tenant's host allow-list, a timeout, a response-size cap, no redirects followed (the 3xx is returned, as
 * `redirect: "manual"` would). Written on node:http(s) rather than the global fetch because the address check must
 * happen in the connection's own DNS lookup: the address that is checked is the address that is connected to, so a
 * name that resolves to 127.0.0.1 — or changes its answer between a check and the connection (DNS rebinding) — is
 * refused.
 */

/** ipaddr.js ranges an action may reach without `GUARDLINE_ACTIONS_ALLOW_PRIVATE_NETWORK`. */
const PUBLIC_RANGES = new Set(['unicast']);

export type LookupAll = (hostname: string, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;
export const systemLookup: LookupAll = (hostname, callback) => dnsLookup(hostname, { all: true }, callback);

/** Why `address` may not be reached, or undefined. IPv4-mapped IPv6 is judged as the IPv4 address it carries. */
export function forbiddenAddress(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  const range = parsed.range();
  return PUBLIC_RANGES.has(range) ? undefined : `${address} is a ${range} address`;
}

export function hostAllowed(host: string, allowed: readonly string[] | null): boolean {
  if (allowed === null) return true;
  const name = host.toLowerCase();
  return allowed.some((entry) => {
    const pattern = entry.toLowerCase();
    return pattern.startsWith('*.') ? name.endsWith(pattern.slice(1)) && name.length > pattern.length - 1 : name === pattern;
  });
}

export interface GuardedRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | null;
}

export type GuardedAnswer =
  | { status: number; statusText: string; url: string; headers: Record<string, string>; body: string }
  | { error: string };

export interface GuardedFetchOptions {
  policy: NetworkPolicy;
  timeoutMs: number;
  maxResponseBytes: number;
  lookup?: LookupAll;
  /** Aborts the request (the execution ended). */
  signal?: AbortSignal;
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const MAX_REQUEST_BYTES = 1024 * 1024;

/** One request for an action; never throws: a refusal or failure is `{error}`, and `record` says what happened. */
export async function guardedFetch(request: GuardedRequest, options: GuardedFetchOptions): Promise<{ answer: GuardedAnswer; record: FetchRecord }> {
  const began = performance.now();
  const done = (answer: GuardedAnswer, url: string, code?: string): { answer: GuardedAnswer; record: FetchRecord } => ({
    answer,
    record: { method: request.method, url, ...('status' in answer ? { status: answer.status } : { error: code ?? 'network_error' }), durationMs: Math.round(performance.now() - began) },
  });
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return done({ error: `fetch refused: ${JSON.stringify(String(request.url).slice(0, 200))} is not an absolute URL` }, '', 'invalid_request');
  }
  const shown = `${url.protocol}//${url.host}${url.pathname}`;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return done({ error: `fetch refused: only http and https URLs (${url.protocol})` }, shown, 'invalid_request');
  if (url.username || url.password) return done({ error: 'fetch refused: credentials in the URL (use an Authorization header)' }, shown, 'invalid_request');
  if (!METHODS.has(request.method)) return done({ error: `fetch refused: method ${request.method}` }, shown, 'invalid_request');
  if (request.body !== null && Buffer.byteLength(request.body) > MAX_REQUEST_BYTES) return done({ error: 'fetch refused: the request body is larger than 1 MiB' }, shown, 'invalid_request');
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  if (!hostAllowed(hostname, options.policy.allowedHosts)) return done({ error: `fetch refused: ${hostname} is not in this tenant's allowed hosts` }, shown, 'host_not_allowed');

  // Node connects to an IP literal without a lookup: check it here.
  if (ipaddr.isValid(hostname) && !options.policy.allowPrivateNetwork) {
    const bad = forbiddenAddress(hostname);
    if (bad) return done({ error: `fetch refused: ${bad}` }, shown, 'forbidden_address');
  }
  const lookupAll = options.lookup ?? systemLookup;
  let refusal: string | undefined;
  // The connection's own lookup: every address the name resolves to is checked, and the connection uses a checked one.
  const guardedLookup: LookupFunction = (name, lookupOptions, callback) => {
    const answer = (addresses: LookupAddress[]) => {
      const bad = options.policy.allowPrivateNetwork ? undefined : addresses.map((a) => forbiddenAddress(a.address)).find(Boolean);
      if (bad || addresses.length === 0) {
        refusal = bad ? `fetch refused: ${name} resolves to ${bad}` : `fetch failed: ${name} has no address`;
        const error = Object.assign(new Error(refusal), { code: 'EGUARDLINE_FORBIDDEN' });
        return callback(error, '', 4);
      }
      if (lookupOptions.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      return callback(null, addresses[0]!.address, addresses[0]!.family);
    };
    if (ipaddr.isValid(name)) return answer([{ address: name, family: name.includes(':') ? 6 : 4 }]);
    lookupAll(name, (err, addresses) => (err ? callback(err, '', 4) : answer(addresses)));
  };

  return new Promise((resolve) => {
    let settled = false;
    const finish = (answer: GuardedAnswer, code?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve(done(answer, shown, code));
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers: Record<string, string> = { ...request.headers };
    for (const name of Object.keys(headers)) if (/^(host|content-length|connection|transfer-encoding)$/i.test(name)) delete headers[name];
    if (request.body !== null) headers['content-length'] = String(Buffer.byteLength(request.body));
    const outgoing = send(url, { method: request.method, headers, lookup: guardedLookup, agent: false }, (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxResponseBytes) {
          outgoing.destroy();
          finish({ error: `fetch failed: the response is larger than ${options.maxResponseBytes} bytes` }, 'too_large');
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => {
        const answerHeaders: Record<string, string> = {};
        for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) answerHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
        finish({ status: response.statusCode ?? 0, statusText: response.statusMessage ?? '', url: url.toString(), headers: answerHeaders, body: Buffer.concat(chunks).toString('utf8') });
      });
      response.on('error', () => finish({ error: 'fetch failed: the connection broke while reading the response' }, 'network_error'));
    });
    const timer = setTimeout(() => {
      outgoing.destroy();
      finish({ error: `fetch failed: no answer within ${options.timeoutMs} ms` }, 'timeout');
    }, options.timeoutMs);
    const onAbort = () => {
      outgoing.destroy();
      finish({ error: 'fetch aborted: the execution ended' }, 'timeout');
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    outgoing.on('error', (err: NodeJS.ErrnoException) => {
      if (refusal) finish({ error: refusal }, 'forbidden_address');
      else finish({ error: `fetch failed: ${err.code ?? err.message}` }, 'network_error');
    });
    if (request.body !== null) outgoing.write(request.body);
    outgoing.end();
  });
}
