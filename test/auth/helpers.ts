import { createHash, randomBytes } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { ClientInput, ClientView } from '../../src/services/clients.js';
import type { Tenant } from '../../src/services/tenants.js';
import type { TestContext } from '../support/harness.js';

export const PASSWORD = 'correct horse battery staple';
export const CALLBACK = 'https://app.example/callback';

/** A client of `tenant` (default: the context's) with its secret, if it has one. */
export async function createClient(ctx: TestContext, input: Partial<ClientInput> = {}, tenant: Tenant = ctx.tenant): Promise<ClientView> {
  return ctx.services.clients.create(tenant, {
    name: 'Test App',
    app_type: 'regular_web',
    grant_types: ['password', 'authorization_code', 'refresh_token'],
    callbacks: [CALLBACK],
    ...input,
  });
}

let userCounter = 0;
/** A user with a unique email and the shared password. */
export async function createUser(ctx: TestContext, extra: { blocked?: boolean; name?: string } = {}, tenant: Tenant = ctx.tenant) {
  const email = `user${++userCounter}-${randomBytes(3).toString('hex')}@example.com`;
  const user = await ctx.services.users.create(tenant, { connection: 'Username-Password-Authentication', email, password: PASSWORD, email_verified: true, ...extra });
  return { ...user, email };
}

/** POST /oauth/token as a form, the way Auth0's SDKs send it. */
export function tokenRequest(ctx: TestContext, params: Record<string, string>, options: { headers?: Record<string, string>; host?: string } = {}) {
  return ctx.app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: { host: options.host ?? ctx.tenant.domain, 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
    payload: new URLSearchParams(params).toString(),
  });
}

export const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Verifies a JWT against the tenant's published JWKS (fetched over HTTP), issuer and audience. */
export async function verifyWithJwks(ctx: TestContext, token: string, audience: string, tenant: Tenant = ctx.tenant): Promise<JWTPayload> {
  const jwks = await ctx.app.inject({ method: 'GET', url: '/.well-known/jwks.json', headers: { host: tenant.domain } });
  const { payload } = await jwtVerify(token, createLocalJWKSet(jwks.json()), { issuer: tenant.issuer, audience, algorithms: ['RS256'], currentDate: ctx.clock.now() });
  return payload;
}

export function authorizeRequest(ctx: TestContext, params: Record<string, string>, headers: Record<string, string> = {}) {
  return ctx.app.inject({ method: 'GET', url: `/authorize?${new URLSearchParams(params).toString()}`, headers: { host: ctx.tenant.domain, ...headers } });
}

/** The hidden transaction of a rendered login form. */
export function loginStateOf(html: string): string {
  const match = /name="state" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no login state in page');
  return match[1];
}

/** `name=value` of the binding cookie set by /authorize. */
export function cookieOf(response: { headers: Record<string, unknown> }): string {
  const header = String(response.headers['set-cookie'] ?? '');
  return header.split(';')[0]!;
}

export function submitLogin(ctx: TestContext, fields: Record<string, string>, cookie: string | undefined, headers: Record<string, string> = {}) {
  return ctx.app.inject({
    method: 'POST',
    url: '/u/login',
    headers: { host: ctx.tenant.domain, 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}), ...headers },
    payload: new URLSearchParams(fields).toString(),
  });
}

/** Runs /authorize and the login form; returns the code and state from the redirect. */
export async function obtainCode(
  ctx: TestContext,
  client: ClientView,
  username: string,
  params: Record<string, string> = {},
): Promise<{ code: string; state: string | null; location: URL }> {
  const page = await authorizeRequest(ctx, { response_type: 'code', client_id: client.client_id, redirect_uri: CALLBACK, scope: 'openid profile email offline_access', state: 'st-1', ...params });
  if (page.statusCode !== 200) throw new Error(`authorize failed: ${page.statusCode} ${page.headers.location ?? page.body}`);
  const response = await submitLogin(ctx, { state: loginStateOf(page.body), username, password: PASSWORD }, cookieOf(page));
  if (response.statusCode !== 302) throw new Error(`login failed: ${response.statusCode}`);
  const location = new URL(String(response.headers.location));
  return { code: location.searchParams.get('code')!, state: location.searchParams.get('state'), location };
}

/** The tenant's log entries of `type`, newest first. */
export async function logsOf(ctx: TestContext, type: string, tenant: Tenant = ctx.tenant) {
  return (await ctx.services.events.list(tenant.id, { types: [type] }, { offset: 0, limit: 100, order: 'desc' }, false)).logs;
}
