import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import type { App } from '../../src/http/types.js';
import { DIALECTS, managementToken, useTestContext } from '../support/harness.js';
import { acmeTenant } from './support.js';

/**
 * The `Link` of checkpoint paging is absolute, and a client follows it with its token: it must name the tenant's
 * configured origin whatever Host, X-Forwarded-Host or X-Forwarded-Proto said, with or without trust proxy.
 */
describe.each(DIALECTS)('GET /api/v2/logs: the Link header names only the tenant\'s configured origin (%s)', (dialect) => {
  const ctx = useTestContext(dialect);
  let proxied: App | undefined;
  afterAll(async () => {
    await proxied?.close();
  });

  async function link(app: App, host: string, token: string, headers: Record<string, string> = {}) {
    const response = await app.inject({ method: 'GET', url: '/api/v2/logs?from=0&take=3', headers: { host, authorization: `Bearer ${token}`, ...headers } });
    expect(response.statusCode).toBe(200);
    const logs = response.json() as Array<{ log_id: string }>;
    return { link: response.headers.link, last: logs.at(-1)?.log_id ?? '0' };
  }
  const expected = (origin: string, last: string) => `<${origin}/api/v2/logs?from=${last}&take=3>; rel="next"`;
  const forwarded = { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https', 'x-forwarded-port': '8443' };

  it('by the tenant\'s own host, and with forged X-Forwarded-* headers without trust proxy', async () => {
    const { tenant, admin } = await acmeTenant(ctx);
    const token = await managementToken(ctx(), admin, { tenant });
    const plain = await link(ctx().app, 'acme.guardline.test', token);
    expect(plain.link).toBe(expected('http://acme.guardline.test', plain.last));
    const forged = await link(ctx().app, 'acme.guardline.test', token, forwarded);
    expect(forged.link).toBe(expected('http://acme.guardline.test', forged.last));
  });

  it('by a host that only reaches the default tenant as a fallback (Host: evil.example)', async () => {
    const token = await managementToken(ctx());
    const response = await link(ctx().app, 'evil.example', token);
    expect(response.link).toBe(expected('http://guardline.test', response.last));
    const withPort = await link(ctx().app, 'guardline.test:9999', token);
    expect(withPort.link).toBe(expected('http://guardline.test', withPort.last));
  });

  it('behind a trusted proxy that passes X-Forwarded-Host/Proto along', async () => {
    proxied = await buildApp({ services: ctx().services, trustProxy: true, enforceDeclaredStatuses: true });
    await proxied.ready();
    const { tenant, admin } = await acmeTenant(ctx);
    const token = await managementToken(ctx(), admin, { tenant });
    const response = await link(proxied, 'acme.guardline.test', token, forwarded);
    expect(response.link).toBe(expected('http://acme.guardline.test', response.last));
  });
});
