import { Type } from '@sinclair/typebox';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { routeRecords } from '../../scripts/docs.js';
import { buildApp } from '../../src/http/app.js';
import { SENSITIVE_RESPONSE_FIELDS } from '../../src/http/no-store.js';
import { createClient, createUser } from '../auth/helpers.js';
import { managementApi } from '../management/support.js';
import { US_MOBILE, associate, challenge, enablePhoneFactor, enrollPhone, mfaActors, passwordForMfaToken } from '../mfa/support.js';
import { DIALECTS, useTestContext } from '../support/harness.js';

/**
 * Responses that carry a secret, a code or a link that works as one must not be kept by any cache. The header is
 * derived from each route's response schema (src/http/no-store.ts); these tests request the routes for real.
 */

/** Routes known to return a secret: the scan must find each (a rename in a schema must not silently drop one). */
const KNOWN_SENSITIVE = [
  'POST /api/v2/clients',
  'GET /api/v2/clients',
  'GET /api/v2/clients/:id',
  'PATCH /api/v2/clients/:id',
  'POST /api/v2/clients/:id/rotate-secret',
  'POST /api/v2/guardian/enrollments/ticket',
  'POST /api/v2/users/:id/recovery-code-regeneration',
  'GET /api/v2/guardian/factors/phone/dev-inbox',
  'GET /api/v2/guardian/factors/phone/providers/twilio',
  'PUT /api/v2/guardian/factors/phone/providers/twilio',
  'POST /oauth/token',
  'POST /mfa/associate',
  'POST /mfa/challenge',
  'GET /userinfo',
];

/** Every property name in a JSON value, at any depth (responses are small and server-built). */
function keysIn(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => keysIn(v, into));
  else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      into.add(key);
      keysIn(inner, into);
    }
  }
  return into;
}

const noStore = (response: LightMyRequestResponse) => response.headers['cache-control'];

describe('Cache-Control: no-store, derived from response schemas', () => {
  it('the schema scan finds every route known to return a secret, and nothing unrelated', async () => {
    const records = await routeRecords();
    const flagged = records.filter((r) => r.noStore).map((r) => `${r.method} ${r.url}`);
    for (const route of KNOWN_SENSITIVE) expect(flagged, route).toContain(route);
    for (const route of ['GET /api/v2/users', 'GET /api/v2/guardian/factors', 'GET /.well-known/jwks.json', 'GET /api/v2/logs']) {
      expect(flagged, route).not.toContain(route);
    }
  });

  describe('a route added later is covered by its schema alone', () => {
    const ctx = useTestContext('sqlite');

    it('a new route whose schema returns client_secret answers no-store; one that returns nothing secret does not', async () => {
      const app = await buildApp({ services: ctx().services });
      const untyped = app as unknown as FastifyInstance;
      untyped.get('/new-secret', { schema: { summary: 'test', response: { 200: Type.Object({ nested: Type.Object({ client_secret: Type.String() }) }) } } }, async () => ({ nested: { client_secret: 's' } }));
      untyped.get('/new-plain', { schema: { summary: 'test', response: { 200: Type.Object({ name: Type.String() }) } } }, async () => ({ name: 'n' }));
      expect(noStore(await app.inject({ method: 'GET', url: '/new-secret' }))).toBe('no-store');
      expect(noStore(await app.inject({ method: 'GET', url: '/new-plain' }))).toBeUndefined();
      await app.close();
    });
  });
});

describe.each(DIALECTS)('Cache-Control: no-store on every answer of a route that returns a secret (%s)', (dialect) => {
  const ctx = useTestContext(dialect);
  const api = managementApi(ctx);

  it('every flagged route, requested for real, answers no-store (errors included); no other route returns a secret-named field', async () => {
    const token = await api.adminToken();
    const user = await createUser(ctx());
    const client = await createClient(ctx());
    const url = (pattern: string) =>
      pattern
        .replace(/^\/api\/v2\/users\/:id/, `/api/v2/users/${encodeURIComponent(user.user_id)}`)
        .replace(/^\/api\/v2\/clients\/:id/, `/api/v2/clients/${client.client_id}`)
        .replace(/:[a-z_]+/g, 'unknown');
    const failures: string[] = [];
    for (const route of await routeRecords()) {
      const withBody = route.method !== 'GET' && route.method !== 'DELETE';
      const response = await ctx().app.inject({
        method: route.method as 'GET',
        url: url(route.url),
        headers: { host: ctx().tenant.domain, authorization: `Bearer ${token}`, ...(withBody ? { 'content-type': 'application/json' } : {}) },
        ...(withBody ? { payload: '{}' } : {}),
      });
      const name = `${route.method} ${route.url} → ${response.statusCode}`;
      if (route.noStore && noStore(response) !== 'no-store') failures.push(`${name}: cache-control ${String(noStore(response))}`);
      const json = (response.headers['content-type'] ?? '').toString().startsWith('application/json') ? response.json() : undefined;
      const secret = [...keysIn(json)].filter((k) => SENSITIVE_RESPONSE_FIELDS.includes(k));
      if (secret.length > 0 && noStore(response) !== 'no-store') failures.push(`${name}: returns ${secret.join(', ')} without no-store`);
    }
    expect(failures).toEqual([]);
  });

  it('Management API: the answers that carry a secret, a code or a ticket link', async () => {
    const created = await api.call('POST', '/clients', { payload: { name: 'Cached?' } });
    expect(created.statusCode).toBe(201);
    expect(created.json().client_secret).toEqual(expect.any(String));
    expect(noStore(created)).toBe('no-store');
    const id = created.json().client_id as string;
    const rotated = await api.call('POST', `/clients/${id}/rotate-secret`);
    expect([rotated.statusCode, typeof rotated.json().client_secret, noStore(rotated)]).toEqual([200, 'string', 'no-store']);
    const patched = await api.call('PATCH', `/clients/${id}`, { payload: { description: 'x' } });
    expect([patched.statusCode, noStore(patched)]).toEqual([200, 'no-store']);

    await enablePhoneFactor(ctx());
    const actors = await mfaActors(ctx());
    await enrollPhone(ctx(), actors);
    const ticket = await api.call('POST', '/guardian/enrollments/ticket', { payload: { user_id: actors.user.user_id, send_mail: false } });
    expect([ticket.statusCode, noStore(ticket)]).toEqual([200, 'no-store']);
    expect(ticket.json().ticket_url).toContain('ticket=');
    const recovery = await api.call('POST', `/users/${encodeURIComponent(actors.user.user_id)}/recovery-code-regeneration`);
    expect([recovery.statusCode, typeof recovery.json().recovery_code, noStore(recovery)]).toEqual([200, 'string', 'no-store']);
    const inbox = await api.call('GET', '/guardian/factors/phone/dev-inbox');
    expect(inbox.statusCode).toBe(200);
    expect(inbox.json().messages[0].body).toMatch(/\d{6}/);
    expect(noStore(inbox)).toBe('no-store');

    // an answer without a secret is left to the client's caching rules
    const factors = await api.call('GET', '/guardian/factors');
    expect([factors.statusCode, noStore(factors)]).toEqual([200, undefined]);
  });

  it('Authentication and MFA API: token, associate and challenge answers', async () => {
    await enablePhoneFactor(ctx());
    const actors = await mfaActors(ctx());
    const mfaToken = await passwordForMfaToken(ctx(), actors);
    const associated = await associate(ctx(), mfaToken, { authenticator_types: ['oob'], oob_channels: ['sms'], phone_number: US_MOBILE });
    expect([associated.statusCode, typeof associated.json().oob_code, noStore(associated)]).toEqual([200, 'string', 'no-store']);
    const other = await mfaActors(ctx());
    await enrollPhone(ctx(), other, '+14155552672');
    const challenged = await challenge(ctx(), other.clientAuth, await passwordForMfaToken(ctx(), other));
    expect([challenged.statusCode, typeof challenged.json().oob_code, noStore(challenged)]).toEqual([200, 'string', 'no-store']);
    const token = await ctx().app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { host: ctx().tenant.domain },
      payload: { grant_type: 'client_credentials', client_id: ctx().admin.clientId, client_secret: ctx().admin.clientSecret, audience: ctx().tenant.managementAudience },
    });
    // RFC 6749 §5.1 asks the token endpoint for Pragma: no-cache as well
    expect([token.statusCode, noStore(token), token.headers.pragma]).toEqual([200, 'no-store', 'no-cache']);
  });
});
