import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { GRANT_TYPES } from '../../src/domain/grant-types.js';
import { createClient, tokenRequest } from '../auth/helpers.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import {
  associate,
  challenge,
  challengeOf,
  enablePhoneFactor,
  enrollPhone,
  latestCode,
  logMark,
  mfaAccessToken,
  mfaActors,
  mfaApi,
  mfaState,
  oobExchange,
  passwordForMfaToken,
  expectError,
} from './support.js';

/**
 * The mfa_token refused: missing, malformed, expired, used, issued to another application or by another tenant,
 * or held by a user who was blocked since. Each refusal has Auth0's error body and writes nothing.
 */
describe.each(DIALECTS)('MFA API refuses bad mfa_tokens (%s)', (dialect) => {
  const clock = new ManualClock(new Date());
  const ctx = useTestContext(dialect, { clock });

  const recoveryExchange = (clientAuth: Record<string, string>, mfaToken: string | undefined, recoveryCode: string, host?: string) =>
    tokenRequest(
      ctx(),
      { grant_type: GRANT_TYPES.mfaRecoveryCode, ...clientAuth, ...(mfaToken !== undefined ? { mfa_token: mfaToken } : {}), recovery_code: recoveryCode },
      host ? { host } : {},
    );

  it('a missing mfa_token: 401 on the Bearer endpoints, 400 invalid_request on /oauth/token and /mfa/challenge', async () => {
    await enablePhoneFactor(ctx());
    const actors = await mfaActors(ctx());
    const before = await mfaState(ctx(), actors.user.user_id);
    const since = await logMark(ctx());

    const missingBearer = 'Missing authorization: send the mfa_token or an MFA API access token as a Bearer token';
    expectError(await mfaApi(ctx(), 'GET', '/mfa/authenticators'), 401, 'unauthorized', missingBearer);
    expectError(await associate(ctx(), undefined), 401, 'unauthorized', missingBearer);
    expectError(await mfaApi(ctx(), 'DELETE', '/mfa/authenticators/sms|dev_AAAAAAAAAAAAAAAA'), 401, 'unauthorized', missingBearer);
    // a Bearer header without a token is no token
    expectError(await mfaApi(ctx(), 'GET', '/mfa/authenticators', { headers: { authorization: 'Bearer ' } }), 401, 'unauthorized', missingBearer);

    expectError(await challenge(ctx(), actors.clientAuth, undefined), 400, 'invalid_request', 'Missing required parameter: mfa_token');
    expectError(await tokenRequest(ctx(), { grant_type: GRANT_TYPES.mfaOob, ...actors.clientAuth, oob_code: 'x', binding_code: '123456' }), 400, 'invalid_request', 'Missing required parameter: mfa_token');
    expectError(await recoveryExchange(actors.clientAuth, undefined, 'X'.repeat(24)), 400, 'invalid_request', 'Missing required parameter: mfa_token');

    expect(await mfaState(ctx(), actors.user.user_id)).toEqual(before);
    expect(await since()).toEqual(['feoobft', 'fercft']);
  });

  it('a malformed or unknown mfa_token: invalid_grant "Malformed mfa_token" (401 as a Bearer, 403 elsewhere)', async () => {
    await enablePhoneFactor(ctx());
    const actors = await mfaActors(ctx());
    const before = await mfaState(ctx(), actors.user.user_id);
    const since = await logMark(ctx());

    for (const token of ['not-a-token', 'Fe26.2**0123456789abcdef', 'aaa.bbb.ccc']) {
      expectError(await mfaApi(ctx(), 'GET', '/mfa/authenticators', { bearer: token }), 401, 'invalid_grant', 'Malformed mfa_token');
      expectError(await associate(ctx(), token), 401, 'invalid_grant', 'Malformed mfa_token');
      expectError(await challenge(ctx(), actors.clientAuth, token), 403, 'invalid_grant', 'Malformed mfa_token');
      expectError(await oobExchange(ctx(), actors.clientAuth, token, 'x', '123456'), 403, 'invalid_grant', 'Malformed mfa_token');
      expectError(await recoveryExchange(actors.clientAuth, token, 'X'.repeat(24)), 403, 'invalid_grant', 'Malformed mfa_token');
    }

    expect(await mfaState(ctx(), actors.user.user_id)).toEqual(before);
    expect(await since()).toEqual(['feoobft', 'fercft', 'feoobft', 'fercft', 'feoobft', 'fercft']);
  });

  it('an mfa_token older than 10 minutes: expired_token "mfa_token is expired" everywhere, the open challenge unused', async () => {
    await enablePhoneFactor(ctx());
    const actors = await mfaActors(ctx());
    const { recoveryCode } = await enrollPhone(ctx(), actors);
    const mfaToken = await passwordForMfaToken(ctx(), actors);

    // nine minutes in, a code is sent; just before ten minutes the token still works
    clock.advance(9 * 60_000);
    const sent = await challenge(ctx(), actors.clientAuth, mfaToken);
    expect(sent.statusCode).toBe(200);
    const oobCode = sent.json().oob_code as string;
    const code = await latestCode(ctx(), '+14155552671');
    clock.advance(60_000 - 1_000);
    expect((await mfaApi(ctx(), 'GET', '/mfa/authenticators', { bearer: mfaToken })).statusCode).toBe(200);

    clock.advance(2_000); // 10 min + 1 s
    const before = await mfaState(ctx(), actors.user.user_id);
    const since = await logMark(ctx());
    expectError(await mfaApi(ctx(), 'GET', '/mfa/authenticators', { bearer: mfaToken }), 401, 'expired_token', 'mfa_token is expired');
    expectError(await associate(ctx(), mfaToken), 401, 'expired_token', 'mfa_token is expired');
    expectError(await challenge(ctx(), actors.clientAuth, mfaToken), 401, 'expired_token', 'mfa_token is expired');
    expectError(await oobExchange(ctx(), actors.clientAuth, mfaToken, oobCode, code), 401, 'expired_token', 'mfa_token is expired');
    expectError(await recoveryExchange(actors.clientAuth, mfaToken, recoveryCode!), 401, 'expired_token', 'mfa_token is expired');

    expect(await mfaState(ctx(), actors.user.user_id)).toEqual(before);
    expect((await challengeOf(ctx(), oobCode))!.consumed_at).toBeNull();
    expect(await since()).toEqual(['feoobft', 'fercft']);
    // the recovery code was not used up by the refused exchange
    const fresh = await passwordForMfaToken(ctx(), actors);
    expect((await recoveryExchange(actors.clientAuth, fresh, recoveryCode!)).statusCode).toBe(200);
  });

  it('an mfa_token already exchanged cannot be used again, for anything', async () => {
    await enablePhoneFactor(ctx());
    const actors = await mfaActors(ctx());
    const { recoveryCode } = await enrollPhone(ctx(), actors);
    const mfaToken = await passwordForMfaToken(ctx(), actors);
    const sent = await challenge(ctx(), actors.clientAuth, mfaToken);
    const oobCode = sent.json().oob_code as string;
    const code = await latestCode(ctx(), '+14155552671');
    expect((await oobExchange(ctx(), actors.clientAuth, mfaToken, oobCode, code)).statusCode).toBe(200);

    const before = await mfaState(ctx(), actors.user.user_id);
    const since = await logMark(ctx());
    const used = 'mfa_token has already been used';
    expectError(await oobExchange(ctx(), actors.clientAuth, mfaToken, oobCode, code), 403, 'invalid_grant', used);
    expectError(await recoveryExchange(actors.clientAuth, mfaToken, recoveryCode!), 403, 'invalid_grant', used);
    expectError(await challenge(ctx(), actors.clientAuth, mfaToken), 403, 'invalid_grant', used);
    expectError(await mfaApi(ctx(), 'GET', '/mfa/authenticators', { bearer: mfaToken }), 401, 'invalid_grant', used);
    expectError(await associate(ctx(), mfaToken), 401, 'invalid_grant', used);

    expect(await mfaState(ctx(), actors.user.user_id)).toEqual(before);
    expect(await since()).toEqual(['feoobft', 'fercft']);
  });

  it('an mfa_token issued to another application: "mfa_token was not issued to this client", no code sent, none used', async () => {
    await enablePhoneFactor(ctx());
    const actors = await mfaActors(ctx());
    const { recoveryCode } = await enrollPhone(ctx(), actors);
    const other = await createClient(ctx(), { name: 'Other App', grant_types: ['password', GRANT_TYPES.mfaOob, GRANT_TYPES.mfaRecoveryCode] });
    const otherAuth = { client_id: other.client_id, client_secret: other.client_secret! };
    const mfaToken = await passwordForMfaToken(ctx(), actors);
    const sent = await challenge(ctx(), actors.clientAuth, mfaToken);
    const oobCode = sent.json().oob_code as string;
    const code = await latestCode(ctx(), '+14155552671');

    const before = await mfaState(ctx(), actors.user.user_id);
    const since = await logMark(ctx());
    const notOurs = 'mfa_token was not issued to this client';
    expectError(await challenge(ctx(), otherAuth, mfaToken), 403, 'invalid_grant', notOurs);
    expectError(await oobExchange(ctx(), otherAuth, mfaToken, oobCode, code), 403, 'invalid_grant', notOurs);
    expectError(await recoveryExchange(otherAuth, mfaToken, recoveryCode!), 403, 'invalid_grant', notOurs);
    expect(await mfaState(ctx(), actors.user.user_id)).toEqual(before);
    expect(await since()).toEqual(['feoobft', 'fercft']);
    const [failed] = (await ctx().services.events.list(ctx().tenant.id, { types: ['feoobft'], clientId: other.client_id }, { offset: 0, limit: 1, order: 'desc' }, false)).logs;
    expect(failed).toMatchObject({ client_id: other.client_id, description: notOurs });

    // the application it was issued to still completes with the same code
    expect((await oobExchange(ctx(), actors.clientAuth, mfaToken, oobCode, code)).statusCode).toBe(200);
  });

  it("another tenant's mfa_token is unknown here; its application is unknown here too", async () => {
    const acme = (await ctx().services.tenants.findByName('acme')) ?? (await ctx().services.tenants.create({ name: 'acme' }));
    await enablePhoneFactor(ctx(), {}, acme);
    await enablePhoneFactor(ctx());
    const theirs = await mfaActors(ctx(), acme);
    const ours = await mfaActors(ctx());
    const acmeToken = await passwordForMfaToken(ctx(), theirs, {}, acme);
    const beforeAcme = await mfaState(ctx(), theirs.user.user_id, acme);
    const beforeOurs = await mfaState(ctx(), ours.user.user_id);
    const since = await logMark(ctx());

    expect(acme.domain).toBe('acme.guardline.test');
    expectError(await mfaApi(ctx(), 'GET', '/mfa/authenticators', { bearer: acmeToken }), 401, 'invalid_grant', 'Malformed mfa_token');
    expectError(await associate(ctx(), acmeToken), 401, 'invalid_grant', 'Malformed mfa_token');
    expectError(await challenge(ctx(), ours.clientAuth, acmeToken), 403, 'invalid_grant', 'Malformed mfa_token');
    expectError(await oobExchange(ctx(), ours.clientAuth, acmeToken, 'x', '123456'), 403, 'invalid_grant', 'Malformed mfa_token');
    expectError(await challenge(ctx(), theirs.clientAuth, acmeToken), 401, 'invalid_client', 'Unauthorized');
    expectError(await oobExchange(ctx(), theirs.clientAuth, acmeToken, 'x', '123456'), 401, 'invalid_client', 'Unauthorized');

    expect(await mfaState(ctx(), theirs.user.user_id, acme)).toEqual(beforeAcme);
    expect(await mfaState(ctx(), ours.user.user_id)).toEqual(beforeOurs);
    // the refused mfa-oob exchange, then the two refused client authentications (acme's client is unknown here)
    expect(await since()).toEqual(['feoobft', 'feoobft', 'feoobft']);
    // on its own tenant the token works
    expect((await associate(ctx(), acmeToken, undefined, acme.domain)).statusCode).toBe(200);
  });

  it('a user blocked after mfa_required cannot finish MFA; nothing is used up, so unblocking lets the same code through', async () => {
    await enablePhoneFactor(ctx());
    const actors = await mfaActors(ctx());
    const { recoveryCode, smsId } = await enrollPhone(ctx(), actors);
    const accessToken = await mfaAccessToken(ctx(), actors);
    const mfaToken = await passwordForMfaToken(ctx(), actors);
    const sent = await challenge(ctx(), actors.clientAuth, mfaToken);
    const oobCode = sent.json().oob_code as string;
    const code = await latestCode(ctx(), '+14155552671');
    const users = ctx().services.users;
    await users.update(ctx().tenant, actors.user.user_id, { blocked: true });

    const before = await mfaState(ctx(), actors.user.user_id);
    const since = await logMark(ctx());
    expectError(await oobExchange(ctx(), actors.clientAuth, mfaToken, oobCode, code), 401, 'unauthorized', 'user is blocked');
    expectError(await recoveryExchange(actors.clientAuth, mfaToken, recoveryCode!), 401, 'unauthorized', 'user is blocked');
    expectError(await challenge(ctx(), actors.clientAuth, mfaToken), 401, 'unauthorized', 'user is blocked');
    expectError(await mfaApi(ctx(), 'GET', '/mfa/authenticators', { bearer: mfaToken }), 401, 'unauthorized', 'user is blocked');
    // an MFA API access token obtained before the block no longer works either
    expectError(await mfaApi(ctx(), 'GET', '/mfa/authenticators', { bearer: accessToken }), 401, 'unauthorized', 'user is blocked');
    expectError(await mfaApi(ctx(), 'DELETE', `/mfa/authenticators/${smsId}`, { bearer: accessToken }), 401, 'unauthorized', 'user is blocked');
    expect(await mfaState(ctx(), actors.user.user_id)).toEqual(before);
    expect(await since()).toEqual(['feoobft', 'fercft']);

    await users.update(ctx().tenant, actors.user.user_id, { blocked: false });
    expect((await oobExchange(ctx(), actors.clientAuth, mfaToken, oobCode, code)).statusCode).toBe(200);
  });

  it('a user blocked before enrolling cannot enroll', async () => {
    await enablePhoneFactor(ctx());
    const actors = await mfaActors(ctx());
    const mfaToken = await passwordForMfaToken(ctx(), actors);
    await ctx().services.users.update(ctx().tenant, actors.user.user_id, { blocked: true });
    const before = await mfaState(ctx(), actors.user.user_id);
    const since = await logMark(ctx());
    expectError(await associate(ctx(), mfaToken), 401, 'unauthorized', 'user is blocked');
    expect(await mfaState(ctx(), actors.user.user_id)).toEqual(before);
    expect(await since()).toEqual([]);
  });
});
