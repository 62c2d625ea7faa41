import type { LightMyRequestResponse } from 'fastify';
import { expect, it } from 'vitest';
import type { ManualClock } from '../../src/domain/clock.js';
import { createAdminApplication } from '../../src/services/bootstrap.js';
import type { Tenant } from '../../src/services/tenants.js';
import { managementToken, tokenWithScopes, type TestContext } from '../support/harness.js';

export type Ctx = () => TestContext;
type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface CallOptions {
  payload?: unknown;
  /** A token to send; `null` sends none; default: the admin application's token. */
  token?: string | null;
  host?: string;
  headers?: Record<string, string>;
}

/** Calls `/api/v2{path}` on the context's app, as the admin application unless told otherwise. */
export function managementApi(ctx: Ctx) {
  let cached: { token: string; issuedAt: number } | undefined;

  /** The admin token, fetched again once the (manual) clock has moved on by an hour. */
  async function adminToken(): Promise<string> {
    const now = ctx().clock.now().getTime();
    if (!cached || now - cached.issuedAt > 3_600_000) cached = { token: await managementToken(ctx()), issuedAt: now };
    return cached.token;
  }

  async function call(method: Method, path: string, options: CallOptions = {}): Promise<LightMyRequestResponse> {
    const token = options.token === undefined ? await adminToken() : options.token;
    return ctx().app.inject({
      method,
      url: `/api/v2${path}`,
      headers: {
        host: options.host ?? ctx().tenant.domain,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...options.headers,
      },
      ...(options.payload !== undefined ? { payload: options.payload as string | object } : {}),
    });
  }
  /** Forget the cached admin token (after revoking the key that signed it). */
  const forgetToken = () => {
    cached = undefined;
  };
  return { adminToken, call, forgetToken };
}

export type ManagementApi = ReturnType<typeof managementApi>;

/** Every row of every table a Management API write can touch (logs excepted), for "nothing changed" checks. */
export async function storeSnapshot(ctx: Ctx): Promise<Record<string, unknown[]>> {
  const db = ctx().handle.db;
  return {
    tenants: await db.selectFrom('tenants').selectAll().orderBy('id').execute(),
    connections: await db.selectFrom('connections').selectAll().orderBy('id').execute(),
    clients: await db.selectFrom('clients').selectAll().orderBy('client_id').execute(),
    users: await db.selectFrom('users').selectAll().orderBy('user_id').execute(),
    client_grants: await db.selectFrom('client_grants').selectAll().orderBy('id').execute(),
    signing_keys: await db.selectFrom('signing_keys').selectAll().orderBy('kid').execute(),
    guardian_factors: await db.selectFrom('guardian_factors').selectAll().orderBy('tenant_id').orderBy('name').execute(),
    guardian_settings: await db.selectFrom('guardian_settings').selectAll().orderBy('tenant_id').execute(),
    authenticators: await db.selectFrom('authenticators').selectAll().orderBy('id').execute(),
    mfa_transactions: await db.selectFrom('mfa_transactions').selectAll().orderBy('id').execute(),
    mfa_challenges: await db.selectFrom('mfa_challenges').selectAll().orderBy('id').execute(),
    dev_inbox_messages: await db.selectFrom('dev_inbox_messages').selectAll().orderBy('id').execute(),
    enrollment_tickets: await db.selectFrom('enrollment_tickets').selectAll().orderBy('id').execute(),
    attack_protection: await db.selectFrom('attack_protection').selectAll().orderBy('tenant_id').execute(),
    user_blocks: await db.selectFrom('user_blocks').selectAll().orderBy('id').execute(),
    provider_configs: await db.selectFrom('provider_configs').selectAll().orderBy('id').execute(),
    delivery_attempts: await db.selectFrom('delivery_attempts').selectAll().orderBy('id').execute(),
    branding: await db.selectFrom('branding').selectAll().orderBy('tenant_id').execute(),
    login_settings: await db.selectFrom('login_settings').selectAll().orderBy('tenant_id').execute(),
    remembered_browsers: await db.selectFrom('remembered_browsers').selectAll().orderBy('token_hash').execute(),
    log_streams: await db.selectFrom('log_streams').selectAll().orderBy('id').execute(),
  };
}

/** A second tenant, `acme`, with its own admin application (created once per context). */
const acmes = new WeakMap<TestContext, Promise<{ tenant: Tenant; admin: { clientId: string; clientSecret: string } }>>();
export function acmeTenant(ctx: Ctx) {
  let acme = acmes.get(ctx());
  if (!acme) {
    acme = (async () => {
      const tenant = await ctx().services.tenants.create({ name: 'acme' });
      return { tenant, admin: await createAdminApplication(ctx().services, tenant) };
    })();
    acmes.set(ctx(), acme);
  }
  return acme;
}

export async function acmeToken(ctx: Ctx): Promise<{ tenant: Tenant; token: string }> {
  const { tenant, admin } = await acmeTenant(ctx);
  return { tenant, token: await managementToken(ctx(), admin, { tenant }) };
}

/** Polls GET /api/v2/logs until an entry matches (entries are written after the response is sent). */
export async function waitForLog(api: ManagementApi, q: string, match: (entry: Record<string, unknown>) => boolean) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const response = await api.call('GET', `/logs?per_page=100&q=${encodeURIComponent(q)}`);
    expect(response.statusCode).toBe(200);
    const found = (response.json() as Array<Record<string, unknown>>).find(match);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no log entry matching ${q}`);
}

export function errorBody(statusCode: number, error: string, errorCode: string, message: string) {
  return { statusCode, error, errorCode, message };
}

export interface RouteSpec {
  method: Method;
  /** Path under /api/v2; may create what it points at. */
  path: () => string | Promise<string>;
  /** The scopes the route accepts, in the order of its 403 message. */
  scopes: string[];
  /** For routes with a JSON body: a valid body, one with an unknown field and one with a wrong type. */
  body?: { valid: () => Record<string, unknown>; unknownField: Record<string, unknown>; wrongType: Record<string, unknown> };
}

const OTHER_SCOPE = (spec: RouteSpec) => (spec.scopes.includes('read:connections') ? 'read:client_grants' : 'read:connections');

/**
 * The bad-input contract every Management API route keeps, one test each: authentication and scope failures
 * answer 401/403 in Auth0's shape, body failures 400/413/415, and none of them changes anything stored.
 */
export function itRejectsBadRequests(ctx: Ctx, api: ManagementApi, clock: ManualClock, spec: RouteSpec) {
  const send = async (options: CallOptions) => {
    const path = await spec.path();
    const before = await storeSnapshot(ctx);
    const response = await api.call(spec.method, path, {
      ...(spec.body && options.payload === undefined ? { payload: spec.body.valid() } : {}),
      ...options,
    });
    expect(await storeSnapshot(ctx)).toEqual(before);
    return response;
  };

  it(`answers 401 without a token`, async () => {
    const response = await send({ token: null });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual(errorBody(401, 'Unauthorized', 'invalid_token', 'Missing authentication'));
  });

  it(`answers 401 to a malformed token and to a non-Bearer header`, async () => {
    const malformed = await send({ token: 'not-a-jwt' });
    expect(malformed.statusCode).toBe(401);
    expect(malformed.json()).toEqual(errorBody(401, 'Unauthorized', 'invalid_token', 'Bad HTTP authentication header format'));
    const basic = await send({ token: null, headers: { authorization: 'Basic Zm9vOmJhcg==' } });
    expect(basic.json()).toEqual(errorBody(401, 'Unauthorized', 'invalid_token', 'Bad HTTP authentication header format'));
  });

  it(`answers 401 to an expired token`, async () => {
    const token = await managementToken(ctx());
    clock.advance(86_400_000 + 1000);
    const response = await send({ token });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual(errorBody(401, 'Unauthorized', 'invalid_token', 'Expired token received for JSON Web Token validation'));
  });

  it(`answers 401 to a token of another tenant, both ways`, async () => {
    const acme = await acmeToken(ctx);
    const acmeOnDefault = await send({ token: acme.token });
    expect(acmeOnDefault.statusCode).toBe(401);
    expect(acmeOnDefault.json()).toEqual(errorBody(401, 'Unauthorized', 'invalid_token', 'Invalid token'));
    const defaultOnAcme = await send({ token: await api.adminToken(), host: acme.tenant.domain });
    expect(defaultOnAcme.statusCode).toBe(401);
    expect(defaultOnAcme.json()).toEqual(errorBody(401, 'Unauthorized', 'invalid_token', 'Invalid token'));
  });

  it(`answers 403 insufficient_scope to a token without ${spec.scopes.join(' or ')}`, async () => {
    const token = await tokenWithScopes(ctx(), [OTHER_SCOPE(spec)]);
    const response = await send({ token });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual(
      errorBody(403, 'Forbidden', 'insufficient_scope', `Insufficient scope, expected any of: ${spec.scopes.join(',')}`),
    );
  });

  const body = spec.body;
  if (!body) return;
  const json = { 'content-type': 'application/json' };

  it(`answers 400 invalid_body to malformed JSON`, async () => {
    const response = await send({ payload: '{"broken": ', headers: json });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual(errorBody(400, 'Bad Request', 'invalid_body', 'Invalid request payload JSON format'));
  });

  it(`answers 415 to a text/plain body`, async () => {
    const response = await send({ payload: JSON.stringify(body.valid()), headers: { 'content-type': 'text/plain' } });
    expect(response.statusCode).toBe(415);
    expect(response.json()).toEqual(
      errorBody(415, 'Unsupported Media Type', 'unsupported_media_type', 'Unsupported Media Type: send application/json'),
    );
  });

  it(`answers 413 to a body over 64 KiB`, async () => {
    const response = await send({ payload: JSON.stringify({ ...body.valid(), padding: 'x'.repeat(65 * 1024) }), headers: json });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toEqual(errorBody(413, 'Payload Too Large', 'payload_too_large', 'Request body is larger than the limit'));
  });

  it(`answers 400 invalid_body to an unknown field`, async () => {
    const response = await send({ payload: { ...body.valid(), ...body.unknownField } });
    expect(response.statusCode).toBe(400);
    const unknown = Object.keys(body.unknownField)[0]!;
    expect(response.json()).toEqual(
      errorBody(400, 'Bad Request', 'invalid_body', `Payload validation error: 'Additional properties not allowed: ${unknown}'.`),
    );
  });

  it(`answers 400 invalid_body to a wrong type`, async () => {
    const response = await send({ payload: { ...body.valid(), ...body.wrongType } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ statusCode: 400, error: 'Bad Request', errorCode: 'invalid_body' });
    expect(response.json().message).toMatch(/^Payload validation error: '.*'\.$/);
    expect(response.json().message).toContain(Object.keys(body.wrongType)[0]);
  });
}
