import { EncryptJWT, SignJWT, decodeJwt, jwtDecrypt, type JWTPayload } from 'jose';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { MAX_CLOCK_SKEW_SECONDS } from '../../src/services/tokens.js';
import { mfaAudience, userinfoAudience } from '../../src/services/user-tokens.js';
import { errorBody } from '../management/support.js';
import { expectError } from '../mfa/support.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { CALLBACK, PASSWORD, authorizeRequest, cookieOf, createClient, createUser, submitLogin, loginStateOf } from './helpers.js';

const NO_EXP = 'missing required "exp" claim';
const FUTURE_IAT = '"iat" claim timestamp check failed (it should be in the past)';

/**
 * Tokens signed with the tenant's own current key, so only the claims decide: without `exp` a token would be valid
 * forever, and one "issued" an hour from now was not issued by a clock we trust. Each surface refuses both in its shape.
 */
describe.each(DIALECTS)('every verified token must expire and must not be issued in the future (%s)', (dialect) => {
  const clock = new ManualClock('2026-03-01T09:00:00.000Z');
  const ctx = useTestContext(dialect, { clock });
  const now = () => Math.floor(clock.now().getTime() / 1000);

  /** Signs `claims` with the tenant's signing key; `iat`/`exp` only as given (`undefined` leaves one out). */
  async function sign(claims: JWTPayload, times: { iat?: number; exp?: number }): Promise<string> {
    const tenant = ctx().tenant;
    const { kid, key } = await ctx().services.signingKeys.signingKey(tenant);
    const jwt = new SignJWT({ ...claims }).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid }).setIssuer(tenant.issuer);
    if (times.iat !== undefined) jwt.setIssuedAt(times.iat);
    if (times.exp !== undefined) jwt.setExpirationTime(times.exp);
    return jwt.sign(key);
  }

  /** The three variants every surface is tried with: a control that must work, no `exp`, `iat` an hour ahead. */
  const variants = () => ({
    valid: { iat: now(), exp: now() + 3600 },
    withinSkew: { iat: now() + MAX_CLOCK_SKEW_SECONDS - 5, exp: now() + 3600 },
    noExp: { iat: now() },
    futureIat: { iat: now() + 3600, exp: now() + 7200 },
  });

  it('Management API: 401 invalid_token', async () => {
    const tenant = ctx().tenant;
    const claims = { sub: `${ctx().admin.clientId}@clients`, aud: tenant.managementAudience, azp: ctx().admin.clientId, scope: 'read:users', gty: 'client-credentials' };
    const call = async (times: { iat?: number; exp?: number }) =>
      ctx().app.inject({ method: 'GET', url: '/api/v2/users', headers: { host: tenant.domain, authorization: `Bearer ${await sign(claims, times)}` } });
    const v = variants();
    expect((await call(v.valid)).statusCode).toBe(200);
    expect((await call(v.withinSkew)).statusCode).toBe(200);
    const noExp = await call(v.noExp);
    expect({ status: noExp.statusCode, body: noExp.json() }).toEqual({ status: 401, body: errorBody(401, 'Unauthorized', 'invalid_token', NO_EXP) });
    const future = await call(v.futureIat);
    expect({ status: future.statusCode, body: future.json() }).toEqual({ status: 401, body: errorBody(401, 'Unauthorized', 'invalid_token', FUTURE_IAT) });
  });

  it('MFA API (Bearer access token): 401 invalid_grant "Malformed mfa_token"', async () => {
    const client = await createClient(ctx());
    const user = await createUser(ctx());
    const claims = { sub: user.user_id, aud: mfaAudience(ctx().tenant), azp: client.client_id, scope: 'read:authenticators' };
    const call = async (times: { iat?: number; exp?: number }) =>
      ctx().app.inject({ method: 'GET', url: '/mfa/authenticators', headers: { host: ctx().tenant.domain, authorization: `Bearer ${await sign(claims, times)}` } });
    const v = variants();
    const valid = await call(v.valid);
    expect({ status: valid.statusCode, body: valid.json() }).toEqual({ status: 200, body: [] });
    expect((await call(v.withinSkew)).statusCode).toBe(200);
    expectError(await call(v.noExp), 401, 'invalid_grant', 'Malformed mfa_token');
    expectError(await call(v.futureIat), 401, 'invalid_grant', 'Malformed mfa_token');
  });

  it('/userinfo: 401 unauthorized with the Bearer challenge', async () => {
    const user = await createUser(ctx(), { name: 'Taro' });
    const claims = { sub: user.user_id, aud: userinfoAudience(ctx().tenant), azp: 'app', scope: 'openid' };
    const call = async (times: { iat?: number; exp?: number }) =>
      ctx().app.inject({ method: 'GET', url: '/userinfo', headers: { host: ctx().tenant.domain, authorization: `Bearer ${await sign(claims, times)}` } });
    const v = variants();
    const valid = await call(v.valid);
    expect({ status: valid.statusCode, body: valid.json() }).toEqual({ status: 200, body: { sub: user.user_id } });
    for (const [times, description] of [[v.noExp, NO_EXP], [v.futureIat, FUTURE_IAT]] as const) {
      const response = await call(times);
      expectError(response, 401, 'unauthorized', description);
      expect(response.headers['www-authenticate']).toBe(`Bearer error="invalid_token", error_description="${description.replace(/"/g, "'")}"`);
    }
  });

  it('login transactions: re-sealed without exp, or issued an hour ahead, show the expired-page error', async () => {
    const client = await createClient(ctx());
    const user = await createUser(ctx());
    const page = await authorizeRequest(ctx(), { response_type: 'code', client_id: client.client_id, redirect_uri: CALLBACK, scope: 'openid', state: 's' });
    expect(page.statusCode).toBe(200);
    // The login state is an encrypted JWT (services/login-state.ts): opened and re-sealed here with its key.
    const key = ctx().services.deps.secretBox.derive('login-state');
    const { payload: original } = await jwtDecrypt(loginStateOf(page.body), key, { currentDate: ctx().clock.now() });
    const reseal = (times: { iat?: number; exp?: number }) => {
      const jwt = new EncryptJWT({ st: original.st, bnd: original.bnd })
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', typ: 'guardline-login-state+jwt' })
        .setIssuer(ctx().tenant.issuer)
        .setAudience(ctx().tenant.id);
      if (times.iat !== undefined) jwt.setIssuedAt(times.iat);
      if (times.exp !== undefined) jwt.setExpirationTime(times.exp);
      return jwt.encrypt(key);
    };
    const submit = async (times: { iat?: number; exp?: number }) =>
      submitLogin(ctx(), { state: await reseal(times), username: user.email, password: PASSWORD }, cookieOf(page), { 'accept-language': 'en' });
    const v = variants();
    for (const times of [v.noExp, v.futureIat]) {
      const refused = await submit(times);
      expect(refused.statusCode).toBe(400);
      expect(refused.body).toContain('This login page has expired or was opened in another window.');
    }
    // the control: the same transaction with sane claims logs in
    const accepted = await submit(v.valid);
    expect(accepted.statusCode).toBe(302);
    expect(String(accepted.headers.location)).toMatch(/^https:\/\/app\.example\/callback\?code=/);
  });
});
