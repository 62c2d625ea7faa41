import { expect } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { hashToken } from '../../src/crypto/secret-box.js';
import { GRANT_TYPES } from '../../src/domain/grant-types.js';
import type { MfaPolicy, PhoneMessageType, TestNumber } from '../../src/services/guardian.js';
import type { Tenant } from '../../src/services/tenants.js';
import { mfaAudience } from '../../src/services/user-tokens.js';
import { PASSWORD, createClient, createUser, tokenRequest } from '../auth/helpers.js';
import type { TestContext } from '../support/harness.js';

/** Valid numbers (checked against libphonenumber-js/max metadata). */
export const US_MOBILE = '+14155552671';
export const JP_MOBILE = '+819012345678';
export const UK_MOBILE = '+447400123456';

/** Turns the phone factor on for `tenant` the way an administrator would, through the services. */
export async function enablePhoneFactor(
  ctx: TestContext,
  options: { messageTypes?: PhoneMessageType[]; recoveryCode?: boolean; policies?: MfaPolicy[]; testNumbers?: TestNumber[] } = {},
  tenant: Tenant = ctx.tenant,
) {
  const { guardian } = ctx.services;
  await guardian.setFactor(tenant, 'sms', true, {});
  await guardian.setFactor(tenant, 'recovery-code', options.recoveryCode ?? true, {});
  await guardian.setMessageTypes(tenant, options.messageTypes ?? ['sms'], {});
  await guardian.setPolicies(tenant, options.policies ?? ['all-applications'], {});
  if (options.testNumbers) await guardian.setTestNumbers(tenant, options.testNumbers, {});
}

/** An application allowed the password and both MFA grants, and a user with the shared password. */
export async function mfaActors(ctx: TestContext, tenant: Tenant = ctx.tenant) {
  const client = await createClient(ctx, { grant_types: ['password', GRANT_TYPES.mfaOob, GRANT_TYPES.mfaRecoveryCode] }, tenant);
  const user = await createUser(ctx, {}, tenant);
  const clientAuth = { client_id: client.client_id, client_secret: client.client_secret! };
  return { client, user, clientAuth };
}

/** Step 1 of reference §2: the password grant, expected to answer `mfa_required` with an mfa_token. */
export async function passwordForMfaToken(ctx: TestContext, actors: Awaited<ReturnType<typeof mfaActors>>, extra: Record<string, string> = {}, tenant: Tenant = ctx.tenant): Promise<string> {
  const response = await tokenRequest(ctx, { grant_type: 'password', ...actors.clientAuth, username: actors.user.email, password: PASSWORD, ...extra }, { host: tenant.domain });
  if (response.statusCode !== 403) throw new Error(`expected mfa_required, got ${response.statusCode} ${response.body}`);
  return response.json().mfa_token as string;
}

type Json = Record<string, unknown> | unknown[];

/** Calls an `/mfa/*` endpoint with a Bearer token, JSON in and out, as Auth0's docs show with curl. */
export function mfaApi(ctx: TestContext, method: 'GET' | 'POST' | 'DELETE', path: string, options: { bearer?: string; payload?: Json; headers?: Record<string, string>; host?: string } = {}): Promise<LightMyRequestResponse> {
  return ctx.app.inject({
    method,
    url: path,
    headers: {
      host: options.host ?? ctx.tenant.domain,
      ...(options.bearer ? { authorization: `Bearer ${options.bearer}` } : {}),
      ...(options.payload !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    ...(options.payload !== undefined ? { payload: JSON.stringify(options.payload) } : {}),
  });
}

/** The messages the built-in provider delivered to the tenant's dev inbox, newest first. */
export async function inbox(ctx: TestContext, to?: string, tenant: Tenant = ctx.tenant) {
  return ctx.services.deps.store.devInbox.list(tenant.id, { offset: 0, limit: 100 }, to);
}

/** The code in a delivered message: six digits in an SMS, or spelled "1.2.3.4.5.6" in a voice script. */
export function codeIn(body: string, length = 6): string {
  const sms = new RegExp(`\\b\\d{${length}}\\b`).exec(body);
  if (sms) return sms[0];
  const voice = new RegExp(`\\d(?:\\.\\s?\\d){${length - 1}}`).exec(body);
  if (voice) return voice[0].replace(/\D/g, '');
  throw new Error(`no code in message: ${body}`);
}

/** The code of the newest message to `to`. */
export async function latestCode(ctx: TestContext, to: string, tenant: Tenant = ctx.tenant): Promise<string> {
  const [message] = await inbox(ctx, to, tenant);
  if (!message) throw new Error(`no message to ${to}`);
  return codeIn(message.body);
}

/** Step 4 of reference §2: the mfa-oob grant. */
export function oobExchange(ctx: TestContext, clientAuth: Record<string, string>, mfaToken: string, oobCode: string, bindingCode: string | undefined, tenant: Tenant = ctx.tenant) {
  return tokenRequest(
    ctx,
    { grant_type: GRANT_TYPES.mfaOob, ...clientAuth, mfa_token: mfaToken, oob_code: oobCode, ...(bindingCode !== undefined ? { binding_code: bindingCode } : {}) },
    { host: tenant.domain },
  );
}

/** Enrolls `phone` over SMS for the actors' user and confirms it; returns the authenticator ids and the recovery code. */
export async function enrollPhone(ctx: TestContext, actors: Awaited<ReturnType<typeof mfaActors>>, phone = US_MOBILE) {
  const mfaToken = await passwordForMfaToken(ctx, actors);
  const associate = await mfaApi(ctx, 'POST', '/mfa/associate', { bearer: mfaToken, payload: { authenticator_types: ['oob'], oob_channels: ['sms'], phone_number: phone } });
  if (associate.statusCode !== 200) throw new Error(`associate failed: ${associate.body}`);
  const confirm = await oobExchange(ctx, actors.clientAuth, mfaToken, associate.json().oob_code, await latestCode(ctx, phone));
  if (confirm.statusCode !== 200) throw new Error(`confirm failed: ${confirm.body}`);
  const list = await mfaApi(ctx, 'GET', '/mfa/authenticators', { bearer: (await passwordForMfaToken(ctx, actors)) });
  const ids = (list.json() as Array<{ id: string }>).map((a) => a.id);
  return { smsId: ids.find((id) => id.startsWith('sms|'))!, recoveryCode: associate.json().recovery_codes?.[0] as string | undefined };
}

/** A wrong code that is certainly not `code`. */
export const wrongCode = (code: string) => (code === '000000' ? '111111' : '000000');

/** POST /mfa/associate for an SMS (default) authenticator. */
export function associate(ctx: TestContext, bearer: string | undefined, payload: Json = { authenticator_types: ['oob'], oob_channels: ['sms'], phone_number: US_MOBILE }, host?: string) {
  return mfaApi(ctx, 'POST', '/mfa/associate', { ...(bearer !== undefined ? { bearer } : {}), payload, ...(host ? { host } : {}) });
}

/** POST /mfa/challenge with the client's credentials and `challenge_type: "oob"` unless overridden. */
export function challenge(ctx: TestContext, clientAuth: Record<string, string>, mfaToken: string | undefined, extra: Record<string, string> = {}, host?: string) {
  return mfaApi(ctx, 'POST', '/mfa/challenge', {
    payload: { ...clientAuth, challenge_type: 'oob', ...(mfaToken !== undefined ? { mfa_token: mfaToken } : {}), ...extra },
    ...(host ? { host } : {}),
  });
}

/** The stored challenge of an oob_code (its `consumed_at` says whether it was used). */
export function challengeOf(ctx: TestContext, oobCode: string, tenant: Tenant = ctx.tenant) {
  return ctx.services.deps.store.mfa.findChallengeByOobHash(tenant.id, hashToken(oobCode));
}

/**
 * Everything a refused MFA request must leave as it was: the user's authenticators, the tenant's challenges
 * (none added, none consumed) and MFA transactions (none added, none completed), and the dev inbox.
 */
export async function mfaState(ctx: TestContext, userId: string, tenant: Tenant = ctx.tenant) {
  const db = ctx.handle.db;
  return {
    authenticators: await ctx.services.authenticators.listForUser(tenant, userId),
    challenges: await db.selectFrom('mfa_challenges').selectAll().where('tenant_id', '=', tenant.id).orderBy('id').execute(),
    transactions: await db.selectFrom('mfa_transactions').selectAll().where('tenant_id', '=', tenant.id).orderBy('id').execute(),
    inbox: (await inbox(ctx, undefined, tenant)).length,
  };
}

/** A mark in the tenant's log; the returned function lists the types of the entries written after it, oldest first. */
export async function logMark(ctx: TestContext, tenant: Tenant = ctx.tenant): Promise<() => Promise<string[]>> {
  const [last] = (await ctx.services.events.list(tenant.id, {}, { offset: 0, limit: 1, order: 'desc' }, false)).logs;
  return async () => {
    const { logs } = await ctx.services.events.list(tenant.id, last ? { afterLogId: last.log_id } : {}, { offset: 0, limit: 100, order: 'asc' }, false);
    return logs.map((l) => l.type);
  };
}

/**
 * An access token for the MFA API (`audience={issuer}mfa/`) with `scope`, the way Auth0 documents getting one:
 * the password grant asks for it, and MFA (a challenge of the enrolled phone) completes it.
 */
export async function mfaAccessToken(ctx: TestContext, actors: Awaited<ReturnType<typeof mfaActors>>, scope = 'enroll read:authenticators remove:authenticators', phone = US_MOBILE): Promise<string> {
  const mfaToken = await passwordForMfaToken(ctx, actors, { audience: mfaAudience(ctx.tenant), scope });
  const sent = await challenge(ctx, actors.clientAuth, mfaToken);
  if (sent.statusCode !== 200) throw new Error(`challenge failed: ${sent.body}`);
  const tokens = await oobExchange(ctx, actors.clientAuth, mfaToken, sent.json().oob_code, await latestCode(ctx, phone));
  if (tokens.statusCode !== 200) throw new Error(`exchange failed: ${tokens.body}`);
  return tokens.json().access_token as string;
}

/** Asserts an OAuth/MFA API error: exact status and exact `{error, error_description}` body. */
export function expectError(response: LightMyRequestResponse, status: number, error: string, description: string): void {
  expect({ status: response.statusCode, body: response.json() }).toEqual({ status, body: { error, error_description: description } });
}
