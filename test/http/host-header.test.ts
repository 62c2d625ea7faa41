import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { InjectOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { DIALECTS, managementToken, useTestContext } from '../support/harness.js';
import { logMark } from '../mfa/support.js';

const TWICE = 'must be sent exactly once (RFC 9112 §3.2)';
const management400 = (message: string) => ({ statusCode: 400, error: 'Bad Request', message: `Header validation error: 'host: ${message}'.`, errorCode: 'invalid_headers' });
const oauth400 = (message: string) => ({ error: 'invalid_request', error_description: `host: ${message}` });

/** Sends raw HTTP/1.x bytes to `port` and returns status line and body (the connection is closed by the request). */
function rawRequest(port: number, head: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`${head}Connection: close\r\n\r\n`));
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const [headers = '', body = ''] = data.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(headers)?.[1]), body });
    });
  });
}

/**
 * RFC 9112 §3.2: more than one Host (or none on HTTP/1.1, or one that is not a host) is a 400. Node would serve
 * the first Host line, so a proxy that routed by the last one and Guardline would disagree on the tenant.
 */
describe.each(DIALECTS)('two Host headers are a 400 on every surface (%s)', (dialect) => {
  const ctx = useTestContext(dialect);

  it('Management API, OAuth, MFA API and login pages each answer in their own shape, and nothing is logged', async () => {
    const token = await managementToken(ctx());
    const domain = ctx().tenant.domain;
    const since = await logMark(ctx());
    // light-my-request sends an array as repeated header lines; its types only know a single Host
    const both = [domain, 'evil.example'] as unknown as string;
    const same = [domain, domain] as unknown as string;
    const auth = { authorization: `Bearer ${token}` };

    const users = await ctx().app.inject({ method: 'GET', url: '/api/v2/users', headers: { host: both, ...auth } });
    expect({ status: users.statusCode, body: users.json() }).toEqual({ status: 400, body: management400(TWICE) });
    const write = await ctx().app.inject({ method: 'POST', url: '/api/v2/clients', headers: { host: both, ...auth }, payload: { name: 'x' } });
    expect({ status: write.statusCode, body: write.json() }).toEqual({ status: 400, body: management400(TWICE) });
    const unknown = await ctx().app.inject({ method: 'GET', url: '/api/v2/nope', headers: { host: both, ...auth } });
    expect({ status: unknown.statusCode, body: unknown.json() }).toEqual({ status: 400, body: management400(TWICE) });

    const token400 = await ctx().app.inject({ method: 'POST', url: '/oauth/token', headers: { host: both }, payload: { grant_type: 'client_credentials' } });
    expect({ status: token400.statusCode, body: token400.json() }).toEqual({ status: 400, body: oauth400(TWICE) });
    const mfa = await ctx().app.inject({ method: 'GET', url: '/mfa/authenticators', headers: { host: both, authorization: 'Bearer x' } });
    expect({ status: mfa.statusCode, body: mfa.json() }).toEqual({ status: 400, body: oauth400(TWICE) });
    const jwks = await ctx().app.inject({ method: 'GET', url: '/.well-known/jwks.json', headers: { host: same } });
    expect({ status: jwks.statusCode, body: jwks.json() }).toEqual({ status: 400, body: oauth400(TWICE) });

    for (const [method, url] of [['GET', '/authorize?response_type=code&client_id=x'], ['POST', '/u/login']] as const) {
      const options: InjectOptions = { method, url, headers: { host: both, 'accept-language': 'en' }, ...(method === 'POST' ? { payload: { state: 'x' } } : {}) };
      const page = await ctx().app.inject(options);
      expect(page.statusCode).toBe(400);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.body).toContain('The request could not be understood.');
    }
    expect(await since()).toEqual([]);

    // the control: the same requests with one Host are served
    expect((await ctx().app.inject({ method: 'GET', url: '/api/v2/users', headers: { host: domain, ...auth } })).statusCode).toBe(200);
    expect((await ctx().app.inject({ method: 'GET', url: '/.well-known/jwks.json', headers: { host: domain } })).statusCode).toBe(200);
  });

  it('a Host that is not a host (user info, a path, whitespace) is a 400 too', async () => {
    const token = await managementToken(ctx());
    for (const host of ['user@evil.example', 'guardline.test/evil', 'guardline.test evil.example']) {
      const response = await ctx().app.inject({ method: 'GET', url: '/api/v2/users', headers: { host, authorization: `Bearer ${token}` } });
      expect({ host, status: response.statusCode, body: response.json() }).toEqual({
        host,
        status: 400,
        body: management400('must be a host name or address with an optional port (RFC 9112 §3.2)'),
      });
    }
    for (const host of ['[::1]:3000', 'guardline.test:3000', '127.0.0.1']) {
      const response = await ctx().app.inject({ method: 'GET', url: '/.well-known/openid-configuration', headers: { host } });
      expect({ host, status: response.statusCode }).toEqual({ host, status: 200 });
    }
  });

  it('on a real socket: two Host lines, and no Host on HTTP/1.1, are refused; HTTP/1.0 without Host is served', async () => {
    await ctx().app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { port } = ctx().app.server.address() as AddressInfo;
      const domain = ctx().tenant.domain;
      const twice = await rawRequest(port, `GET /.well-known/jwks.json HTTP/1.1\r\nHost: ${domain}\r\nHost: evil.example\r\n`);
      expect({ status: twice.status, body: JSON.parse(twice.body) }).toEqual({ status: 400, body: oauth400(TWICE) });
      // Node itself refuses an HTTP/1.1 request without Host (requireHostHeader), with an empty 400
      const none = await rawRequest(port, 'GET /.well-known/jwks.json HTTP/1.1\r\n');
      expect(none.status).toBe(400);
      const empty = await rawRequest(port, 'GET /.well-known/jwks.json HTTP/1.1\r\nHost: \r\n');
      expect({ status: empty.status, body: JSON.parse(empty.body) }).toEqual({ status: 400, body: oauth400('must be a host name or address with an optional port (RFC 9112 §3.2)') });
      const once = await rawRequest(port, `GET /.well-known/jwks.json HTTP/1.1\r\nHost: ${domain}\r\n`);
      expect(once.status).toBe(200);
      const old = await rawRequest(port, 'GET /.well-known/jwks.json HTTP/1.0\r\n');
      expect(old.status).toBe(200);
    } finally {
      await ctx().app.server.close();
    }
  });
});
