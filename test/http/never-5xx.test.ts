import { describe, expect, it } from 'vitest';
import { routeRecords } from '../../scripts/docs.js';
import { MAX_JSON_DEPTH } from '../../src/domain/json-shape.js';
import { createClient, createUser } from '../auth/helpers.js';
import { DIALECTS, managementToken, useTestContext } from '../support/harness.js';

/** Hostile inputs, sent to every route: each must get a 4xx (or a success), never a 5xx. */
const BODIES: Array<[string, string]> = [
  ['application/json', '{}'],
  ['application/json', '[]'],
  ['application/json', 'null'],
  ['application/json', '"text"'],
  ['application/json', '{"name":{"$gt":""},"email":["a"],"password":12345678901234567890}'],
  ['application/json', JSON.stringify({ name: 'x'.repeat(5000), user_metadata: { a: { b: { c: { d: {} } } } } })],
  ['application/json', '{"__proto__":{"polluted":true},"constructor":{"prototype":{}}}'],
  ['application/json', '{"grant_type":"password","username":"\u0000","password":"\ud800"}'],
  ['application/x-www-form-urlencoded', 'a=1&a=2&b[c]=3&%zz=1'],
  ['text/plain', 'hello'],
  ['application/xml', '<a/>'],
];

/** `{"a":{"a":…}}` or `[[…]]` with `depth` containers, as text: deeper than JSON.stringify or any recursive walk survives. */
const nestedObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const nestedArray = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

const PARAM_VALUES = ['%00', 'x'.repeat(2000), 'auth0%7C..%2F..%2Fetc', '%F0%9F%98%80', "'; drop table users; --"];
const QUERIES = ['?page=-1&per_page=1000', '?include_totals=maybe', '?q=((', '?q=type:(a%20OR', '?from=abc&take=0', '?sort=date:2', '?email=%00'];

describe.each(DIALECTS)('no route answers 5xx to hostile input (%s)', (dialect) => {
  const ctx = useTestContext(dialect);

  it('refuses the NUL character with a 400 in each surface\'s shape', async () => {
    const token = await managementToken(ctx());
    const management = await ctx().app.inject({ method: 'GET', url: '/api/v2/users/auth0%7C%00', headers: { host: ctx().tenant.domain, authorization: `Bearer ${token}` } });
    expect(management.statusCode).toBe(400);
    expect(management.json()).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: "Path validation error: 'id: must not contain the NUL character'.",
      errorCode: 'invalid_uri',
    });
    const oauth = await ctx().app.inject({ method: 'POST', url: '/oauth/token', headers: { host: ctx().tenant.domain }, payload: { grant_type: 'password', username: 'a\u0000b' } });
    expect(oauth.statusCode).toBe(400);
    expect(oauth.json()).toEqual({ error: 'invalid_request', error_description: 'username: must not contain the NUL character' });
  });

  it('a Basic authorization header with a broken percent-escape is 401 invalid_client, not a 500', async () => {
    for (const credentials of ['%zz:secret', 'client:%E0%A4%A', '%:%']) {
      const response = await ctx().app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: { host: ctx().tenant.domain, authorization: `Basic ${Buffer.from(credentials).toString('base64')}` },
        payload: { grant_type: 'client_credentials' },
      });
      expect({ credentials, status: response.statusCode, body: response.json() }).toEqual({
        credentials,
        status: 401,
        body: { error: 'invalid_client', error_description: 'Malformed Basic authorization header' },
      });
    }
  });

  it('every route, every body, every odd parameter and query', async () => {
    const token = await managementToken(ctx());
    const routes = await routeRecords();
    const failures: string[] = [];
    for (const route of routes) {
      const urls = [route.url.replace(/:[a-z_]+/g, 'unknown'), ...PARAM_VALUES.map((v) => route.url.replace(/:[a-z_]+/g, v))].filter(
        (u, i, all) => all.indexOf(u) === i,
      );
      for (const url of urls) {
        for (const query of ['', ...QUERIES]) {
          const bodies: Array<[string, string] | undefined> = route.method === 'GET' || route.method === 'DELETE' ? [undefined] : BODIES;
          for (const body of bodies) {
            const response = await ctx().app.inject({
              method: route.method as 'GET',
              url: `${url}${query}`,
              headers: { host: ctx().tenant.domain, authorization: `Bearer ${token}`, ...(body ? { 'content-type': body[0] } : {}) },
              ...(body ? { payload: body[1] } : {}),
            });
            if (response.statusCode >= 500) failures.push(`${route.method} ${url}${query} ${body?.[0] ?? ''} ${body?.[1].slice(0, 40) ?? ''} → ${response.statusCode} ${response.body.slice(0, 200)}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }, 180_000);

  it('every route that takes a body: each of its fields nested 5,000 deep is a 400 in the surface\'s shape; at the limit, never a 5xx', async () => {
    const token = await managementToken(ctx());
    // Real ids, so that bodies at the limit reach the services (an unknown id would stop at a 404 first).
    const user = await createUser(ctx());
    const client = await createClient(ctx());
    const realUrl = (url: string) =>
      url
        .replace(/^\/api\/v2\/users\/:id/, `/api/v2/users/${encodeURIComponent(user.user_id)}`)
        .replace(/^\/api\/v2\/clients\/:id/, `/api/v2/clients/${client.client_id}`)
        .replace(/:[a-z_]+/g, 'unknown');
    const routes = (await routeRecords()).filter((r) => r.method !== 'GET' && r.method !== 'DELETE');
    expect(routes.length).toBeGreaterThan(25);
    const failures: string[] = [];
    for (const route of routes) {
      const fields = route.bodyFields.length > 0 ? route.bodyFields : ['grant_type', 'client_id', 'username'];
      const tooDeep = [
        ...fields.flatMap((field) => [`{"${field}":${nestedObject(5000)}}`, `{"${field}":${nestedArray(6000)}}`]),
        nestedObject(5000),
      ];
      for (const payload of tooDeep) {
        const field = /^\{"([^"]+)"/.exec(payload)![1]!;
        const response = await ctx().app.inject({
          method: route.method as 'POST',
          url: realUrl(route.url),
          headers: { host: ctx().tenant.domain, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          payload,
        });
        const reason = `must not be nested more than ${MAX_JSON_DEPTH} levels deep`;
        const expected = route.url.startsWith('/api/v2')
          ? { statusCode: 400, error: 'Bad Request', message: `Payload validation error: '${field}: ${reason}'.`, errorCode: 'invalid_body' }
          : route.url.startsWith('/u/')
            ? undefined
            : { error: 'invalid_request', error_description: `${field}: ${reason}` };
        const body = expected ? response.json() : response.body;
        if (response.statusCode !== 400 || (expected && JSON.stringify(body) !== JSON.stringify(expected)) || (!expected && !String(body).includes('<!doctype html>'))) {
          failures.push(`${route.method} ${route.url} ${payload.slice(0, 30)} → ${response.statusCode} ${response.body.slice(0, 200)}`);
        }
      }
      // At the limit the body passes the edge: whatever the route answers, it is not a 5xx.
      for (const field of fields) {
        const response = await ctx().app.inject({
          method: route.method as 'POST',
          url: realUrl(route.url),
          headers: { host: ctx().tenant.domain, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          payload: `{"${field}":${nestedObject(MAX_JSON_DEPTH)}}`,
        });
        if (response.statusCode >= 500) failures.push(`${route.method} ${route.url} ${field} at the limit → ${response.statusCode} ${response.body.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
