import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { MAX_LOG_STREAMS_PER_TENANT } from '../../src/services/log-streams/index.js';
import { DIALECTS, tokenWithScopes, useTestContext } from '../support/harness.js';
import { acmeToken, errorBody, itRejectsBadRequests, managementApi } from '../management/support.js';

const SECRET = 'Bearer sk_live_very-secret-token-123456';
let names = 0;
const body = (extra: Record<string, unknown> = {}, sink: Record<string, unknown> = {}) => ({
  name: `stream-${++names}`,
  type: 'http',
  sink: { httpEndpoint: 'https://logs.example.com/ingest', httpAuthorization: SECRET, httpContentFormat: 'JSONLINES', httpContentType: 'application/json', httpCustomHeaders: [{ header: 'X-Tag', value: 'guardline' }], ...sink },
  ...extra,
});

describe.each(DIALECTS)('Management API: log streams (%s)', (dialect) => {
  const clock = new ManualClock();
  const ctx = useTestContext(dialect, { clock });
  const api = managementApi(ctx);
  const create = async (extra: Record<string, unknown> = {}, sink: Record<string, unknown> = {}) => {
    const response = await api.call('POST', '/log-streams', { payload: body(extra, sink) });
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as { id: string; name: string; [k: string]: unknown };
  };
  /** `health.lag` counts the tenant's events, and every Management API write adds one. */
  const noLag = (stream: unknown) => ({ ...(stream as object), health: { ...(stream as { health: object }).health, lag: 0 } });
  const removeAll = async () => {
    for (const s of (await api.call('GET', '/log-streams')).json() as Array<{ id: string }>) await api.call('DELETE', `/log-streams/${s.id}`);
  };

  afterEach(removeAll);

  it("creates, reads, lists, updates and deletes a stream in Auth0's shape; httpAuthorization is masked and sealed at rest", async () => {
    const created = await create({ filters: [{ type: 'category', name: 'auth.login' }], pii_config: { log_fields: ['email', 'phone'], method: 'mask' }, isPriority: true });
    expect(created).toEqual({
      id: expect.stringMatching(/^lst_[A-Za-z0-9]{16}$/),
      name: created.name,
      type: 'http',
      status: 'active',
      sink: { httpEndpoint: 'https://logs.example.com/ingest', httpAuthorization: 'Bearer ********', httpContentFormat: 'JSONLINES', httpContentType: 'application/json', httpCustomHeaders: [{ header: 'X-Tag', value: 'guardline' }] },
      filters: [{ type: 'category', name: 'auth.login' }],
      pii_config: { log_fields: ['email', 'phone'], method: 'mask' },
      isPriority: true,
      health: { last_delivered_log_id: null, last_delivered_at: null, lag: expect.any(Number), last_error: null, last_error_at: null, consecutive_failures: 0, failing_since: null, next_attempt_at: expect.any(String), suspended_reason: null },
    });
    expect(noLag((await api.call('GET', `/log-streams/${created.id}`)).json())).toEqual(noLag(created));
    // The list leaves health out (configuration only: an export reads the same twice) unless asked for it.
    const list = await api.call('GET', '/log-streams');
    const { health: _health, ...configuration } = created;
    expect(list.json()).toEqual([configuration]);
    expect((await api.call('GET', '/log-streams?include_health=true')).json().map(noLag)).toEqual([noLag(created)]);

    const row = await ctx().handle.db.selectFrom('log_streams').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain('sk_live_very-secret-token');
    expect(row.authorization).toMatch(/^v1\./);

    const patched = await api.call('PATCH', `/log-streams/${created.id}`, { payload: { name: 'renamed', status: 'paused', sink: { httpContentFormat: 'JSONARRAY', httpAuthorization: 'Token another-secret-abcdef' }, pii_config: null } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ name: 'renamed', status: 'paused', sink: { httpEndpoint: 'https://logs.example.com/ingest', httpContentFormat: 'JSONARRAY', httpAuthorization: 'Token ********' } });
    expect(patched.json().pii_config).toBeUndefined();
    expect(patched.json().health.next_attempt_at).toBeNull();
    for (const response of [created, patched.json(), list.json(), (await api.call('GET', '/log-streams')).json()]) {
      expect(JSON.stringify(response)).not.toContain('very-secret');
      expect(JSON.stringify(response)).not.toContain('another-secret');
    }
    // a value without a scheme is all asterisks
    const bare = await create({}, { httpAuthorization: 'plain-secret-value' });
    expect((bare.sink as { httpAuthorization: string }).httpAuthorization).toBe('********');

    expect((await api.call('DELETE', `/log-streams/${created.id}`)).statusCode).toBe(204);
    expect((await api.call('GET', `/log-streams/${created.id}`)).json()).toEqual(errorBody(404, 'Not Found', 'inexistent_log_stream', 'The log stream does not exist.'));
    expect((await api.call('DELETE', `/log-streams/${created.id}`)).statusCode).toBe(404);
    await removeAll();
  });

  it('refuses other stream types with a clear message, and bad sinks, filters and pii_config, in the Management API error shape', async () => {
    const eventbridge = await api.call('POST', '/log-streams', { payload: { name: 'eb', type: 'eventbridge', sink: { awsAccountId: '123456789012', awsRegion: 'us-east-1' } } });
    expect(eventbridge.json()).toEqual(errorBody(400, 'Bad Request', 'invalid_body', 'type: Guardline streams logs to "http" sinks only, not "eventbridge"'));
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [body({}, { httpEndpoint: 'http://logs.example.com/ingest' }), /sink.httpEndpoint: must be an https:\/\/ URL$/],
      [body({}, { httpEndpoint: 'not a url' }), /sink.httpEndpoint: not a valid URL/],
      [body({}, { httpEndpoint: 'https://user:pw@logs.example.com/' }), /no credentials in the URL/],
      [body({}, { httpContentFormat: 'CSV' }), /^Payload validation error: 'sink.httpContentFormat: /],
      [body({}, { datadogApiKey: 'x' }), /^Payload validation error: 'sink/],
      [body({}, { httpCustomHeaders: [{ header: 'Authorization', value: 'x' }] }), /"Authorization" cannot be set/],
      [body({}, { httpCustomHeaders: [{ header: 'Bad Header', value: 'x' }] }), /not a valid header name/],
      [body({}, { httpCustomHeaders: [{ header: 'X-A', value: 'a\r\nX-B: b' }] }), /has a line break/],
      [{ ...body(), sink: { httpAuthorization: 'x' } }, /sink: Expected required property|httpEndpoint/],
      [body({ filters: [{ type: 'type', name: 'auth.login' }] }), /^Payload validation error: /],
      [body({ filters: [{ type: 'category', name: 'Auth Login' }] }), /^Payload validation error: /],
      [body({ pii_config: { log_fields: [], method: 'mask' } }), /^Payload validation error: /],
      [body({ pii_config: { log_fields: ['ssn'], method: 'mask' } }), /^Payload validation error: /],
      [body({ pii_config: { log_fields: ['email'], method: 'encrypt' } }), /^Payload validation error: /],
      [body({ pii_config: { log_fields: ['email'], method: 'hash', algorithm: 'md5' } }), /^Payload validation error: /],
      [body({ startFrom: 'no-such-log-id' }), /startFrom: no event with log_id "no-such-log-id"/],
      [body({ startFrom: '2026-13-45' }), /startFrom: "2026-13-45" is not a valid date/],
    ];
    for (const [payload, message] of cases) {
      const response = await api.call('POST', '/log-streams', { payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json()).toMatchObject({ statusCode: 400, error: 'Bad Request', errorCode: 'invalid_body' });
      expect(response.json().message).toMatch(message);
    }
    const stream = await create();
    const badPatch = await api.call('PATCH', `/log-streams/${stream.id}`, { payload: { status: 'suspended' } });
    expect(badPatch.statusCode).toBe(400);
    const badSink = await api.call('PATCH', `/log-streams/${stream.id}`, { payload: { sink: { httpEndpoint: 'ftp://x.example.com' } } });
    expect(badSink.json().message).toMatch(/must be an https:\/\/ URL/);
    expect((await api.call('GET', '/log-streams')).json()).toHaveLength(1);
    await removeAll();
  });

  it(`allows ${MAX_LOG_STREAMS_PER_TENANT} streams per tenant, then answers 409`, async () => {
    for (let i = 0; i < MAX_LOG_STREAMS_PER_TENANT; i++) await create();
    const over = await api.call('POST', '/log-streams', { payload: body() });
    expect(over.json()).toEqual(errorBody(409, 'Conflict', 'too_many_log_streams', 'You have reached the maximum number of log streams for your account'));
    await removeAll();
  });

  it("another tenant's stream is a 404 on every route, and is not listed", async () => {
    const mine = await create();
    const acme = await acmeToken(ctx);
    const other = { token: acme.token, host: acme.tenant.domain };
    expect((await api.call('GET', '/log-streams', other)).json()).toEqual([]);
    for (const [method, payload] of [['GET', undefined], ['PATCH', { name: 'x' }], ['DELETE', undefined]] as const) {
      const response = await api.call(method, `/log-streams/${mine.id}`, { ...other, ...(payload ? { payload } : {}) });
      expect(response.statusCode, method).toBe(404);
      expect(response.json()).toMatchObject({ errorCode: 'inexistent_log_stream' });
    }
    expect((await api.call('GET', `/log-streams/${mine.id}`)).json().name).toBe(mine.name);
    await removeAll();
  });

  it('checks each route\'s scope: the right scope passes, another scope is a 403', async () => {
    const stream = await create();
    const routes: Array<[string, 'GET' | 'POST' | 'PATCH' | 'DELETE', string, unknown]> = [
      ['read:log_streams', 'GET', '/log-streams', undefined],
      ['read:log_streams', 'GET', `/log-streams/${stream.id}`, undefined],
      ['update:log_streams', 'PATCH', `/log-streams/${stream.id}`, { name: 'scoped' }],
      ['create:log_streams', 'POST', '/log-streams', body()],
      ['delete:log_streams', 'DELETE', `/log-streams/${stream.id}`, undefined],
    ];
    for (const [scope, method, path, payload] of routes) {
      const wrong = await tokenWithScopes(ctx(), ['read:log_streams', 'create:log_streams', 'update:log_streams', 'delete:log_streams'].filter((s) => s !== scope));
      const refused = await api.call(method, path, { token: wrong, ...(payload ? { payload } : {}) });
      expect(refused.statusCode, `${method} ${path}`).toBe(403);
      expect(refused.json()).toEqual(errorBody(403, 'Forbidden', 'insufficient_scope', `Insufficient scope, expected any of: ${scope}`));
      const right = await tokenWithScopes(ctx(), [scope]);
      const allowed = await api.call(method, path, { token: right, ...(payload ? { payload } : {}) });
      expect(allowed.statusCode, `${method} ${path}`).toBe(method === 'POST' ? 201 : method === 'DELETE' ? 204 : 200);
    }
    await removeAll();
  });

  describe('POST /log-streams bad requests', () => {
    itRejectsBadRequests(ctx, api, clock, {
      method: 'POST',
      path: () => '/log-streams',
      scopes: ['create:log_streams'],
      body: { valid: () => body(), unknownField: { color: 'red' }, wrongType: { isPriority: 'yes' } },
    });
  });
  describe('PATCH /log-streams/{id} bad requests', () => {
    let id: string | undefined;
    itRejectsBadRequests(ctx, api, clock, {
      method: 'PATCH',
      path: async () => (id ??= (await create()).id) && `/log-streams/${id}`,
      scopes: ['update:log_streams'],
      body: { valid: () => ({ name: 'x' }), unknownField: { color: 'red' }, wrongType: { isPriority: 'yes' } },
    });
  });
  for (const [method, scope] of [['GET', 'read:log_streams'], ['DELETE', 'delete:log_streams']] as const) {
    describe(`${method} /log-streams/{id} bad requests`, () => {
      let id: string | undefined;
      itRejectsBadRequests(ctx, api, clock, { method, path: async () => (id ??= (await create()).id) && `/log-streams/${id}`, scopes: [scope] });
    });
  }
});
