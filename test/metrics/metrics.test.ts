import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { BUILTIN_PROVIDER_ID } from '../../src/delivery/registry.js';
import { buildApp } from '../../src/http/app.js';
import { bearerMatches, isLoopback } from '../../src/http/metrics-route.js';
import type { App } from '../../src/http/types.js';
import { createMetrics } from '../../src/metrics/index.js';
import { managementToken, useTestContext, type TestContext } from '../support/harness.js';
import { challenge, enablePhoneFactor, enrollPhone, mfaActors, passwordForMfaToken, US_MOBILE } from '../mfa/support.js';

/** Every sample of `name` in an exposition text, with its labels (whatever order prom-client writes them in). */
function samples(text: string, name: string): Array<{ labels: Record<string, string>; value: number }> {
  const out: Array<{ labels: Record<string, string>; value: number }> = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[key!] = value!;
    out.push({ labels, value: Number(match[3]) });
  }
  return out;
}

/** The value of the one sample of `name` whose labels include `labels`; undefined when there is none. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const found = samples(text, name).filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value;
}

function scrape(app: App, options: { remoteAddress?: string; headers?: Record<string, string> } = {}): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'GET', url: '/metrics', headers: { host: 'guardline.test', ...options.headers }, ...(options.remoteAddress ? { remoteAddress: options.remoteAddress } : {}) });
}

async function metricsText(ctx: TestContext): Promise<string> {
  const response = await scrape(ctx.app);
  expect(response.statusCode, response.body).toBe(200);
  return response.body;
}

const TOKEN = 'metrics-token-0123456789abcdef';

describe('Prometheus metrics', () => {
  const ctx = useTestContext('sqlite');

  it('counts each provider attempt of an SMS send by channel, provider, status and country, with its latency', async () => {
    expect(BUILTIN_PROVIDER_ID).toBe('auth0');
    const before = await metricsText(ctx());
    expect(sample(before, 'guardline_phone_sends_total', { channel: 'sms' })).toBeUndefined();

    await enablePhoneFactor(ctx());
    const actors = await mfaActors(ctx());
    // Enrolling sends one SMS (the associate's code).
    await enrollPhone(ctx(), actors, US_MOBILE);
    const delivered = { channel: 'sms', provider: 'auth0', status: 'delivered', country: 'US' };
    const afterEnroll = await metricsText(ctx());
    expect(afterEnroll).toMatch(/^guardline_phone_sends_total\{[^}]*channel="sms"[^}]*provider="auth0"[^}]*status="delivered"[^}]*\} 1$/m);
    expect(sample(afterEnroll, 'guardline_phone_sends_total', delivered)).toBe(1);

    // One SMS challenge: one more attempt, and one more latency observation.
    const sent = await challenge(ctx(), actors.clientAuth, await passwordForMfaToken(ctx(), actors));
    expect(sent.statusCode, sent.body).toBe(200);
    const text = await metricsText(ctx());
    expect(sample(text, 'guardline_phone_sends_total', delivered)).toBe(2);
    expect(samples(text, 'guardline_phone_sends_total')).toHaveLength(1);
    expect(sample(text, 'guardline_provider_latency_seconds_count', { provider: 'auth0', channel: 'sms', outcome: 'delivered' })).toBe(2);
    expect(sample(text, 'guardline_provider_latency_seconds_bucket', { provider: 'auth0', channel: 'sms', outcome: 'delivered', le: '+Inf' })).toBe(2);
  });

  it('counts a send refused by the per-user bucket as a limit rejection of its rule', async () => {
    await enablePhoneFactor(ctx());
    const actors = await mfaActors(ctx());
    await enrollPhone(ctx(), actors, '+14155552672');
    const login = await passwordForMfaToken(ctx(), actors);
    expect(sample(await metricsText(ctx()), 'guardline_limit_rejections_total', { rule: 'phone_sends' })).toBeUndefined();
    // The bucket holds 10 sends; enrolling took one.
    for (let i = 0; i < 9; i++) expect((await challenge(ctx(), actors.clientAuth, login)).statusCode).toBe(200);
    const refused = await challenge(ctx(), actors.clientAuth, login);
    expect(refused.statusCode, refused.body).toBe(429);
    expect(sample(await metricsText(ctx()), 'guardline_limit_rejections_total', { rule: 'phone_sends' })).toBe(1);
  });

  it('labels request durations by route pattern, never by the raw URL, and unmatched paths as "unmatched"', async () => {
    const admin = await managementToken(ctx());
    const created = await ctx().app.inject({
      method: 'POST',
      url: '/api/v2/users',
      headers: { host: ctx().tenant.domain, authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ connection: 'Username-Password-Authentication', email: 'route-label@example.com', password: 'correct horse battery staple' }),
    });
    expect(created.statusCode, created.body).toBe(201);
    const userId = created.json().user_id as string;
    const read = await ctx().app.inject({ method: 'GET', url: `/api/v2/users/${encodeURIComponent(userId)}`, headers: { host: ctx().tenant.domain, authorization: `Bearer ${admin}` } });
    expect(read.statusCode, read.body).toBe(200);
    const missing = await ctx().app.inject({ method: 'GET', url: '/no-such-route/9f8e7d6c5b4a', headers: { host: ctx().tenant.domain } });
    expect(missing.statusCode).toBe(404);

    const text = await metricsText(ctx());
    const routes = samples(text, 'guardline_http_request_duration_seconds_count');
    expect(sample(text, 'guardline_http_request_duration_seconds_count', { method: 'GET', route: '/api/v2/users/:id', status_code: '200' })).toBe(1);
    expect(sample(text, 'guardline_http_request_duration_seconds_count', { method: 'POST', route: '/api/v2/users', status_code: '201' })).toBe(1);
    expect(sample(text, 'guardline_http_request_duration_seconds_count', { method: 'GET', route: 'unmatched', status_code: '404' })).toBeGreaterThanOrEqual(1);
    const idPart = userId.split('|').at(-1)!;
    expect(text).not.toContain(idPart);
    expect(text).not.toContain('9f8e7d6c5b4a');
    for (const s of routes) expect(s.labels.route === 'unmatched' || s.labels.route!.startsWith('/'), s.labels.route).toBe(true);
  });

  it('is served outside the tenant surfaces, with default process metrics and the registry content type', async () => {
    const response = await scrape(ctx().app, { headers: { host: 'no-tenant-here.example' } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(ctx().services.metrics.registry.contentType);
    expect(response.body).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(response.body).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
  });

  it('refuses a request it cannot trust with a 400 in the Management API shape, not a 5xx', async () => {
    const twoHosts = await ctx().app.inject({ method: 'GET', url: '/metrics', headers: { host: ['a.test', 'b.test'] as unknown as string } });
    expect(twoHosts.statusCode).toBe(400);
    expect(twoHosts.json()).toMatchObject({ statusCode: 400, errorCode: 'invalid_headers' });
    const nul = await ctx().app.inject({ method: 'GET', url: '/metrics?x=%00', headers: { host: 'guardline.test' } });
    expect(nul.statusCode).toBe(400);
    expect(nul.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  });

  it('keeps one registry per instance: a second instance counts apart, and has the process metrics too', async () => {
    const other = createMetrics();
    other.limitRejected('phone_sends');
    other.fraudRejected('velocity', 'sms');
    const text = await other.render();
    expect(sample(text, 'guardline_limit_rejections_total', { rule: 'phone_sends' })).toBe(1);
    expect(sample(text, 'guardline_fraud_rejections_total', { reason: 'velocity', channel: 'sms' })).toBe(1);
    expect(samples(text, 'guardline_phone_sends_total')).toHaveLength(0);
    expect(text).toContain('# TYPE process_cpu_user_seconds_total counter');
    const ours = await metricsText(ctx());
    expect(sample(ours, 'guardline_fraud_rejections_total', { reason: 'velocity', channel: 'sms' })).toBeUndefined();
  });

  it('reports log-stream lag from registered sources on each scrape; a failing source is counted, not fatal', async () => {
    const metrics = createMetrics();
    let lag = 7;
    const unplug = metrics.registerLagSource(async () => [
      { stream: 'lst_datadog', lag },
      { stream: 'lst_webhook', lag: 0 },
    ]);
    metrics.registerLagSource(async () => {
      throw new Error('worker not ready');
    });
    let text = await metrics.render();
    expect(sample(text, 'guardline_log_stream_lag', { stream: 'lst_datadog' })).toBe(7);
    expect(sample(text, 'guardline_log_stream_lag', { stream: 'lst_webhook' })).toBe(0);
    expect(sample(text, 'guardline_log_stream_lag_collect_failures_total', {})).toBe(1);
    lag = 42;
    text = await metrics.render();
    expect(sample(text, 'guardline_log_stream_lag', { stream: 'lst_datadog' })).toBe(42);
    unplug();
    text = await metrics.render();
    expect(samples(text, 'guardline_log_stream_lag')).toHaveLength(0);
    expect(sample(text, 'guardline_log_stream_lag_collect_failures_total', {})).toBe(3);
  });

  describe('with GUARDLINE_METRICS_TOKEN', () => {
    it('answers 401 with WWW-Authenticate: Bearer without the token or with a wrong one, 200 with it from anywhere', async () => {
      const app = await buildApp({ services: ctx().services, metricsToken: TOKEN, enforceDeclaredStatuses: true });
      try {
        for (const headers of [{} as Record<string, string>, { authorization: `Bearer ${TOKEN}x` }, { authorization: 'Bearer wrong' }, { authorization: `Basic ${TOKEN}` }, { authorization: TOKEN }]) {
          const response = await scrape(app, { headers });
          expect(response.statusCode, JSON.stringify(headers)).toBe(401);
          expect(response.headers['www-authenticate']).toMatch(/^Bearer\b/);
          expect(response.body).not.toContain('guardline_');
        }
        // Loopback is not enough once a token is set.
        expect((await scrape(app, { remoteAddress: '127.0.0.1' })).statusCode).toBe(401);
        const right = await scrape(app, { remoteAddress: '203.0.113.5', headers: { authorization: `Bearer ${TOKEN}` } });
        expect(right.statusCode).toBe(200);
        expect(right.headers['content-type']).toBe(ctx().services.metrics.registry.contentType);
        expect(right.body).toContain('# TYPE guardline_phone_sends_total counter');
        expect((await scrape(app, { headers: { authorization: `bearer ${TOKEN}` } })).statusCode).toBe(200);
      } finally {
        await app.close();
      }
    });

    it('compares tokens whatever their length', () => {
      expect(bearerMatches(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
      expect(bearerMatches(`Bearer ${TOKEN.slice(0, -1)}`, TOKEN)).toBe(false);
      expect(bearerMatches(`Bearer ${TOKEN}${TOKEN}`, TOKEN)).toBe(false);
      expect(bearerMatches(undefined, TOKEN)).toBe(false);
      expect(bearerMatches('Bearer ', TOKEN)).toBe(false);
    });
  });

  describe('without a token', () => {
    it('answers 403 to a non-loopback peer, and X-Forwarded-For does not make it loopback, even behind a trusted proxy', async () => {
      const trusting = await buildApp({ services: ctx().services, trustProxy: true, enforceDeclaredStatuses: true });
      try {
        for (const app of [ctx().app, trusting]) {
          const far = await scrape(app, { remoteAddress: '203.0.113.5' });
          expect(far.statusCode).toBe(403);
          expect(far.json()).toMatchObject({ statusCode: 403, error: 'Forbidden', errorCode: 'metrics_loopback_only' });
          expect(far.body).not.toContain('guardline_');
          for (const forwarded of ['127.0.0.1', '::1', '127.0.0.1, 127.0.0.1']) {
            expect((await scrape(app, { remoteAddress: '203.0.113.5', headers: { 'x-forwarded-for': forwarded } })).statusCode).toBe(403);
          }
          for (const loopback of ['127.0.0.1', '127.10.20.30', '::1', '::ffff:127.0.0.1']) {
            expect((await scrape(app, { remoteAddress: loopback })).statusCode, loopback).toBe(200);
          }
          // The peer decides, not the client a forwarded header names.
          expect((await scrape(app, { remoteAddress: '10.0.0.8', headers: { 'x-forwarded-for': '127.0.0.1' } })).statusCode).toBe(403);
        }
      } finally {
        await trusting.close();
      }
    });

    it('knows loopback addresses', () => {
      for (const address of ['127.0.0.1', '127.255.255.254', '::1', '::ffff:127.0.0.1', '0:0:0:0:0:0:0:1']) expect(isLoopback(address), address).toBe(true);
      for (const address of ['203.0.113.5', '10.0.0.1', '::ffff:10.0.0.1', '::', '0.0.0.0', 'localhost', '', undefined]) expect(isLoopback(address), String(address)).toBe(false);
    });
  });

  describe('configuration', () => {
    it('reads GUARDLINE_METRICS_TOKEN and refuses a short or unsendable one', () => {
      expect(loadConfig({}).metricsToken).toBeUndefined();
      expect(loadConfig({ GUARDLINE_METRICS_TOKEN: TOKEN }).metricsToken).toBe(TOKEN);
      const problem = 'GUARDLINE_METRICS_TOKEN: 16–512 characters of letters, digits and `-._~+/` (e.g. `openssl rand -hex 32`)';
      for (const bad of ['short', 'has spaces in the middle of it', `${TOKEN}"`, 'x'.repeat(513)]) {
        let problems: string[] = [];
        try {
          loadConfig({ GUARDLINE_METRICS_TOKEN: bad });
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err;
          problems = err.problems;
        }
        expect(problems, bad).toEqual([problem]);
      }
    });
  });
});
