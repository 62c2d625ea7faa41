import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { BruteForcePatch } from '../../src/domain/brute-force.js';
import type { ClientView } from '../../src/services/clients.js';
import type { Tenant } from '../../src/services/tenants.js';
import { PASSWORD, authorizeRequest, cookieOf, createClient, loginStateOf, CALLBACK } from '../auth/helpers.js';
import type { TestContext } from '../support/harness.js';

export const ATTACKER_IP = '203.0.113.66';
export const USER_IP = '198.51.100.7';
export const WRONG = 'not the password at all';

export const TOO_MANY_ATTEMPTS = { error: 'too_many_attempts', error_description: 'Your account has been blocked after multiple consecutive login attempts.' };
export const WRONG_CREDENTIALS = { error: 'invalid_grant', error_description: 'Wrong email or password.' };

/** An application allowed the password grant (and the code flow, for the login page). */
export const passwordClient = (ctx: TestContext, tenant: Tenant = ctx.tenant) => createClient(ctx, {}, tenant);

/** The password grant from `ip`, the way an SDK sends it. */
export function passwordLogin(ctx: TestContext, client: ClientView, username: string, password: string, ip = ATTACKER_IP, tenant: Tenant = ctx.tenant): Promise<LightMyRequestResponse> {
  return ctx.app.inject({
    method: 'POST',
    url: '/oauth/token',
    remoteAddress: ip,
    headers: { host: tenant.domain, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ grant_type: 'password', client_id: client.client_id, client_secret: client.client_secret!, username, password }).toString(),
  });
}

/** `count` wrong passwords from `ip`; returns the statuses. */
export async function failLogins(ctx: TestContext, client: ClientView, username: string, count: number, ip = ATTACKER_IP): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) statuses.push((await passwordLogin(ctx, client, username, `${WRONG} ${i}`, ip)).statusCode);
  return statuses;
}

export const times = <T>(n: number, value: T): T[] => Array.from({ length: n }, () => value);

export async function configure(ctx: TestContext, patch: BruteForcePatch, tenant: Tenant = ctx.tenant) {
  return ctx.services.bruteForce.update(tenant, patch);
}

/** Every block row of `tenant`, oldest first (expired ones too: the table as stored). */
export async function blockRows(ctx: TestContext, tenant: Tenant = ctx.tenant) {
  return ctx.handle.db.selectFrom('user_blocks').selectAll().where('tenant_id', '=', tenant.id).orderBy('created_at').orderBy('identifier').orderBy('ip').execute();
}

/** The tenant's log entries of `type` for one typed identifier, newest first. */
export async function entriesFor(ctx: TestContext, type: string, userName: string, tenant: Tenant = ctx.tenant) {
  const { logs } = await ctx.services.events.list(tenant.id, { types: [type] }, { offset: 0, limit: 1000, order: 'desc' }, false);
  return logs.filter((l) => l.user_name === userName);
}

/** Opens /authorize and returns what the login form needs: the transaction and the binding cookie. */
export async function openLoginForm(ctx: TestContext, client: ClientView, locale = 'en') {
  const page = await authorizeRequest(ctx, { response_type: 'code', client_id: client.client_id, redirect_uri: CALLBACK, scope: 'openid', ui_locales: locale });
  expect(page.statusCode).toBe(200);
  return { transaction: loginStateOf(page.body), cookie: cookieOf(page) };
}

/** Submits the login form from `ip`. */
export async function submitLoginFrom(ctx: TestContext, form: { transaction: string; cookie: string }, username: string, password: string, ip = ATTACKER_IP) {
  return ctx.app.inject({
    method: 'POST',
    url: '/u/login',
    remoteAddress: ip,
    headers: { host: ctx.tenant.domain, 'content-type': 'application/x-www-form-urlencoded', cookie: form.cookie },
    payload: new URLSearchParams({ state: form.transaction, username, password }).toString(),
  });
}

export { PASSWORD };
