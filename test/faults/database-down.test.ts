import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { createTestContext, managementToken, type TestContext } from '../support/harness.js';
import { TEST_POSTGRES_URL } from '../support/services.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { authorizeRequest, createClient, CALLBACK } from '../auth/helpers.js';

/**
 * PostgreSQL going away under a running server (a loopback proxy between Guardline and the machine's PostgreSQL,
 * cut and restored by the test): each surface answers 503 in its own shape, fast, and serves again once the
 * database is back, without a restart.
 */
async function timed(call: () => Promise<LightMyRequestResponse>): Promise<{ response: LightMyRequestResponse; ms: number }> {
  const started = performance.now();
  const response = await call();
  return { response, ms: performance.now() - started };
}

describe('PostgreSQL down under a running server', () => {
  let proxy: TcpProxy;
  let context: TestContext | undefined;
  const ctx = () => context!;
  beforeAll(async () => {
    const target = new URL(TEST_POSTGRES_URL);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(TEST_POSTGRES_URL);
    viaProxy.port = String(proxy.port);
    context = await createTestContext('postgres', { postgresUrl: viaProxy.toString() });
  });
  afterAll(async () => {
    await proxy.restore().catch(() => {});
    await context?.close();
    await proxy.close();
  });

  it('OAuth, Management API and login pages answer 503 in under a second while it is gone, and 200 again once it is back', async () => {
    const token = await managementToken(ctx());
    const client = await createClient(ctx(), { callbacks: [CALLBACK] });
    const host = ctx().tenant.domain;
    const clientCredentials = () =>
      ctx().app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: { host },
        payload: { grant_type: 'client_credentials', client_id: ctx().admin.clientId, client_secret: ctx().admin.clientSecret, audience: ctx().tenant.managementAudience },
      });
    const listUsers = () => ctx().app.inject({ method: 'GET', url: '/api/v2/users', headers: { host, authorization: `Bearer ${token}` } });
    const authorize = (language: string) =>
      authorizeRequest(ctx(), { client_id: client.client_id, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid', state: 's' }, { 'accept-language': language });

    await proxy.cut();

    const oauth = await timed(clientCredentials);
    expect({ status: oauth.response.statusCode, body: oauth.response.json(), retryAfter: oauth.response.headers['retry-after'] }).toEqual({
      status: 503,
      body: { error: 'temporarily_unavailable', error_description: 'The service is temporarily unavailable. Try again in a few seconds.' },
      retryAfter: '5',
    });
    expect(oauth.ms).toBeLessThan(1000);

    const management = await timed(listUsers);
    expect({ status: management.response.statusCode, body: management.response.json(), retryAfter: management.response.headers['retry-after'] }).toEqual({
      status: 503,
      body: { statusCode: 503, error: 'Service Unavailable', message: 'The service is temporarily unavailable. Try again in a few seconds.', errorCode: 'service_unavailable' },
      retryAfter: '5',
    });
    expect(management.ms).toBeLessThan(1000);

    const english = await timed(() => authorize('en'));
    expect(english.response.statusCode).toBe(503);
    expect(english.response.headers['content-type']).toMatch(/^text\/html/);
    expect(english.response.headers['retry-after']).toBe('5');
    expect(english.response.body).toContain('The service is temporarily unavailable. Wait a few seconds and try again.');
    expect(english.ms).toBeLessThan(1000);
    const japanese = await authorize('ja');
    expect(japanese.statusCode).toBe(503);
    expect(japanese.body).toContain('サービスが一時的に利用できません。数秒待ってからもう一度お試しください。');

    await proxy.restore();
    expect((await clientCredentials()).statusCode).toBe(200);
    expect((await listUsers()).statusCode).toBe(200);
    expect((await authorize('en')).statusCode).toBe(200);
  });
});
