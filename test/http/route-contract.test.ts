import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { routeRecords } from '../../scripts/docs.js';
import { isManagementScope } from '../../src/domain/scopes.js';
import { buildApp } from '../../src/http/app.js';
import { isDeclaredStatus } from '../../src/http/route-contract.js';
import { useTestContext } from '../support/harness.js';

describe('route contract', () => {
  it('every route has a summary and declares its responses; every Management API route names known scopes', async () => {
    const records = await routeRecords();
    expect(records.length).toBeGreaterThan(30);
    for (const route of records) {
      const name = `${route.method} ${route.url}`;
      expect(route.summary, name).toBeTruthy();
      // HTML pages answer with pages, not JSON bodies: /authorize, every Universal Login page under /u/, /v2/logout.
      const isPage = route.url === '/authorize' || route.url.startsWith('/u/') || route.url === '/v2/logout';
      // Every JSON route can meet a host that names no tenant (404) and hostile input (400).
      if (!isPage) expect(isDeclaredStatus(404, route.declaredStatuses) && isDeclaredStatus(400, route.declaredStatuses), name).toBe(true);
      if (route.url.startsWith('/api/v2')) {
        expect(route.scopes?.length, name).toBeGreaterThan(0);
        for (const scope of route.scopes ?? []) expect(isManagementScope(scope), `${name}: ${scope}`).toBe(true);
        expect(isDeclaredStatus(401, route.declaredStatuses), name).toBe(true);
        expect(isDeclaredStatus(403, route.declaredStatuses), name).toBe(true);
      }
    }
  });

  describe('in test mode, an undeclared status fails loudly', () => {
    const ctx = useTestContext('sqlite');

    it('answers 500 naming the route and status', async () => {
      const app = await buildApp({ services: ctx().services, enforceDeclaredStatuses: true });
      // Registered untyped: the typed instance would (rightly) refuse to compile an undeclared status.
      (app as unknown as FastifyInstance).get('/teapot', { schema: { summary: 'test', response: { 200: Type.Object({}) } as Record<string, unknown> } }, async (_request, reply) => reply.code(418).send({}));
      const response = await app.inject({ method: 'GET', url: '/teapot' });
      expect(response.statusCode).toBe(500);
      expect(response.json().message).toBe('undeclared status 418 from GET /teapot (declared: 200)');
      await app.close();
    });
  });

  it('matches exact statuses, classes and default', () => {
    expect(isDeclaredStatus(201, ['201'])).toBe(true);
    expect(isDeclaredStatus(404, ['200', '4xx'])).toBe(true);
    expect(isDeclaredStatus(204, ['200', '4xx'])).toBe(false);
    expect(isDeclaredStatus(302, ['default'])).toBe(true);
  });
});
