import type { FastifyRequest } from 'fastify';
import { partError } from './validation.js';

/** RFC 3986 `host [":" port]`: an IP literal in brackets or a reg-name (no whitespace, `/`, `@`, `?`, `#`). */
const HOST_VALUE = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~%!$&'()*+,;=-]+)(?::[0-9]{0,5})?$/;

/**
 * RFC 9112 §3.2: a request with more than one Host, an HTTP/1.1 request without one, or a Host that is not a host
 * is a 400. Node keeps the first of several Host lines, so without this check the tenant would be chosen by a
 * header that a proxy in front (which may have read the last one) never saw. Runs before any surface resolves the
 * tenant; each surface renders the error in its own shape, as a validation error of the headers.
 */
export async function rejectAmbiguousHost(request: FastifyRequest): Promise<void> {
  const raw = request.raw.rawHeaders;
  const values: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === 'host') values.push(raw[i + 1] ?? '');
  if (values.length > 1) throw partError('headers', '/host', 'singleHost', 'must be sent exactly once (RFC 9112 §3.2)');
  const [value] = values;
  if (value === undefined) {
    if (request.raw.httpVersion !== '1.0') throw partError('headers', '/host', 'singleHost', 'must be sent exactly once (RFC 9112 §3.2)');
    return;
  }
  if (!HOST_VALUE.test(value)) throw partError('headers', '/host', 'hostSyntax', 'must be a host name or address with an optional port (RFC 9112 §3.2)');
}
