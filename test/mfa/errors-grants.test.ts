import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { GRANT_TYPES } from '../../src/domain/grant-types.js';
import { createClient, logsOf, tokenRequest } from '../auth/helpers.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import {
  US_MOBILE,
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
  wrongCode,
  expectError,
} from './support.js';

/**
 * The mfa-oob and mfa-recovery-code grants refused: oob_codes unknown, foreign, expired, superseded or used;
 * wrong binding and recovery codes; applications without the grant. A refusal consumes nothing, so the right
 * request afterwards still succeeds.
 */
describe.each(DIALECTS)('MFA grants refuse bad codes (%s)', (dialect) => {
  const clock = new ManualClock(new Date());
  const ctx = useTestContext(dialect, { clock });

  const recoveryExchange = (clientAuth: Record<string, string>, mfaToken: string, recoveryCode: string | undefined) =>
    tokenRequest(ctx(), { grant_type: GRANT_TYPES.mfaRecoveryCode, ...clientAuth, mfa_token: mfaToken, ...(recoveryCode !== undefined ? { recovery_code: recoveryCode } : {}) });

  /** An enrolled user logging in again: an mfa_token, a challenge sent, its oob_code and code. */
  async function loginChallenged() {
    await enablePhoneFactor(ctx());
    const actors = await mfaActors(ctx());
    const { recoveryCode, smsId } = await enrollPhone(ctx(), actors);
    const mfaToken = await passwordForMfaToken(ctx(), actors);
    const sent = await challenge(ctx(), actors.clientAuth, mfaToken);
    expect(sent.statusCode).toBe(200);
    return { actors, recoveryCode: recoveryCode!, smsId, mfaToken, oobCode: sent.json().oob_code as string, code: await latestCode(ctx(), US_MOBILE) };
  }

  it('oob_code or binding_code missing: 400 invalid_request; an unknown oob_code: "Invalid oob_code."', async () => {
    const { actors, mfaToken, oobCode, code } = await loginChallenged();
    const before = await mfaState(ctx(), actors.user.user_id);
    const since = await logMark(ctx());

    expectError(await tokenRequest(ctx(), { grant_type: GRANT_TYPES.mfaOob, ...actors.clientAuth, mfa_token: mfaToken, binding_code: code }), 400, 'invalid_request', 'Missing required parameter: oob_code');
    expectError(await oobExchange(ctx(), actors.clientAuth, mfaToken, oobCode, undefined), 400, 'invalid_request', 'Missing required parameter: binding_code');
    expectError(await oobExchange(ctx(), actors.clientAuth, mfaToken, oobCode, ''), 400, 'invalid_request', 'Missing required parameter: binding_code');
    expectError(await oobExchange(ctx(), actors.clientAuth, mfaToken, 'unknown-oob-code', code), 403, 'invalid_grant', 'Invalid oob_code.');

    expect(await mfaState(ctx(), actors.user.user_id)).toEqual(before);
    expect(await since()).toEqual(['feoobft', 'feoobft', 'feoobft', 'feoobft']);
    expect((await oobExchange(ctx(), actors.clientAuth, mfaToken, oobCode, code)).statusCode).toBe(200);
  });

  it('a wrong binding_code: "Invalid binding_code.", gd_auth_failed and feoobft; the challenge stays open for the right code', async () => {
    const { actors, mfaToken, oobCode, code, smsId } = await loginChallenged();
    const before = await mfaState(ctx(), actors.user.user_id);
    const since = await logMark(ctx());

    expectError(await oobExchange(ctx(), actors.clientAuth, mfaToken, oobCode, wrongCode(code)), 403, 'invalid_grant', 'Invalid binding_code.');
    expectError(await oobExchange(ctx(), actors.clientAuth, mfaToken, oobCode, `${code}0`), 403, 'invalid_grant', 'Invalid binding_code.');

    expect(await mfaState(ctx(), actors.user.user_id)).toEqual(before);
    expect(await since()).toEqual(['gd_auth_failed', 'feoobft', 'gd_auth_failed', 'feoobft']);
    const [failed] = await logsOf(ctx(), 'gd_auth_failed');
    expect(failed).toMatchObject({ user_id: actors.user.user_id, client_id: actors.client.client_id, details: { authenticator: { id: smsId.split('|')[1], type: 'sms' } } });
    const [exchange] = await logsOf(ctx(), 'feoobft');
    expect(exchange).toMatchObject({ user_id: actors.user.user_id, description: 'Invalid binding_code.' });

    expect((await oobExchange(ctx(), actors.clientAuth, mfaToken, oobCode, code)).statusCode).toBe(200);
  });

  it("an oob_code of another login's challenge is refused for this mfa_token, and neither challenge is used", async () => {
    const first = await loginChallenged();
    const secondToken = await passwordForMfaToken(ctx(), first.actors);
    const before = await mfaState(ctx(), first.actors.user.user_id);
    const since = await logMark(ctx());

    expectError(await oobExchange(ctx(), first.actors.clientAuth, secondToken, first.oobCode, first.code), 403, 'invalid_grant', 'Invalid oob_code.');
    expect(await mfaState(ctx(), first.actors.user.user_id)).toEqual(before);
    expect(await since()).toEqual(['feoobft']);
    expect((await oobExchange(ctx(), first.actors.clientAuth, first.mfaToken, first.oobCode, first.code)).statusCode).toBe(200);
  });

  it("another user's oob_code and code do not pass for this user's mfa_token", async () => {
    const mine = await loginChallenged();
    const theirs = await loginChallenged();
    const before = await mfaState(ctx(), mine.actors.user.user_id);
    expectError(await oobExchange(ctx(), mine.actors.clientAuth, mine.mfaToken, theirs.oobCode, theirs.code), 403, 'invalid_grant', 'Invalid oob_code.');
    expect(await mfaState(ctx(), mine.actors.user.user_id)).toEqual(before);
  });

  it('an oob_code older than the 5-minute OTP lifetime: expired_token "oob_code is expired"; a new challenge works', async () => {
    const { actors, mfaToken, oobCode, code } = await loginChallenged();
    clock.advance(5 * 60_000 + 1_000);
    const before = await mfaState(ctx(), actors.user.user_id);
    const since = await logMark(ctx());

    expectError(await oobExchange(ctx(), actors.clientAuth, mfaToken, oobCode, code), 401, 'expired_token', 'oob_code is expired');
    expect(await mfaState(ctx(), actors.user.user_id)).toEqual(before);
    expect(await since()).toEqual(['feoobft']);

    // a new login's code, just inside its lifetime, works
    const nextToken = await passwordForMfaToken(ctx(), actors);
    const again = await challenge(ctx(), actors.clientAuth, nextToken);
    clock.advance(5 * 60_000 - 1_000);
    expect((await oobExchange(ctx(), actors.clientAuth, nextToken, again.json().oob_code, await latestCode(ctx(), US_MOBILE))).statusCode).toBe(200);
  });

  it('a newer challenge supersedes the older one: its oob_code is dead, and its code does not open the newer oob_code', async () => {
    const { actors, mfaToken, oobCode: oobA, code: codeA } = await loginChallenged();
    const second = await challenge(ctx(), actors.clientAuth, mfaToken);
    expect(second.statusCode).toBe(200);
    const oobB = second.json().oob_code as string;
    const codeB = await latestCode(ctx(), US_MOBILE);
    expect(codeB).not.toBe(codeA); // one in a million: two random codes alike
    expect((await challengeOf(ctx(), oobA))!.consumed_at).not.toBeNull();
    const before = await mfaState(ctx(), actors.user.user_id);
    const since = await logMark(ctx());

    expectError(await oobExchange(ctx(), actors.clientAuth, mfaToken, oobA, codeA), 403, 'invalid_grant', 'The oob_code has already been used.');
    expectError(await oobExchange(ctx(), actors.clientAuth, mfaToken, oobB, codeA), 403, 'invalid_grant', 'Invalid binding_code.');
    expect(await mfaState(ctx(), actors.user.user_id)).toEqual(before);
    expect(await since()).toEqual(['feoobft', 'gd_auth_failed', 'feoobft']);

    expect((await oobExchange(ctx(), actors.clientAuth, mfaToken, oobB, codeB)).statusCode).toBe(200);
  });

  it('an oob_code used once cannot be used again (an MFA API access token enrolling a new phone)', async () => {
    await enablePhoneFactor(ctx());
    const actors = await mfaActors(ctx());
    const { smsId } = await enrollPhone(ctx(), actors);
    const accessToken = await mfaAccessToken(ctx(), actors);
    expect((await mfaApi(ctx(), 'DELETE', `/mfa/authenticators/${smsId}`, { bearer: accessToken })).statusCode).toBe(204);
    const enrolled = await associate(ctx(), accessToken, { authenticator_types: ['oob'], oob_channels: ['sms'], phone_number: '+14155552672' });
    expect(enrolled.statusCode).toBe(200);
    const oobCode = enrolled.json().oob_code as string;
    const code = await latestCode(ctx(), '+14155552672');
    // Auth0: the access token stands in for the mfa_token when confirming
    expect((await oobExchange(ctx(), actors.clientAuth, accessToken, oobCode, code)).statusCode).toBe(200);

    const before = await mfaState(ctx(), actors.user.user_id);
    const since = await logMark(ctx());
    expectError(await oobExchange(ctx(), actors.clientAuth, accessToken, oobCode, code), 403, 'invalid_grant', 'The oob_code has already been used.');
    expect(await mfaState(ctx(), actors.user.user_id)).toEqual(before);
    expect(await since()).toEqual(['feoobft']);
  });

  it('enrolling with an MFA API access token: its confirmation window is 10 minutes, like an mfa_token', async () => {
    await enablePhoneFactor(ctx());
    const actors = await mfaActors(ctx());
    const { smsId } = await enrollPhone(ctx(), actors);
    const accessToken = await mfaAccessToken(ctx(), actors);
    expect((await mfaApi(ctx(), 'DELETE', `/mfa/authenticators/${smsId}`, { bearer: accessToken })).statusCode).toBe(204);
    const enrolled = await associate(ctx(), accessToken, { authenticator_types: ['oob'], oob_channels: ['sms'], phone_number: '+14155552672' });
    expect(enrolled.statusCode).toBe(200);
    const code = await latestCode(ctx(), '+14155552672');
    clock.advance(10 * 60_000 + 1_000);
    const before = await mfaState(ctx(), actors.user.user_id);
    expectError(await oobExchange(ctx(), actors.clientAuth, accessToken, enrolled.json().oob_code, code), 401, 'expired_token', 'mfa_token is expired');
    expect(await mfaState(ctx(), actors.user.user_id)).toEqual(before);
    expect((await ctx().services.authenticators.listForUser(ctx().tenant, actors.user.user_id)).every((a) => a.status === 'pending')).toBe(true);
  });

  it('an application without the MFA grant types gets unauthorized_client, before anything is looked at', async () => {
    await enablePhoneFactor(ctx());
    const actors = await mfaActors(ctx());
    const { recoveryCode } = await enrollPhone(ctx(), actors);
    const passwordOnly = await createClient(ctx(), { name: 'Password only', grant_types: ['password'] });
    const auth = { client_id: passwordOnly.client_id, client_secret: passwordOnly.client_secret! };
    const mfaToken = await passwordForMfaToken(ctx(), { ...actors, client: passwordOnly, clientAuth: auth });
    const before = await mfaState(ctx(), actors.user.user_id);
    const since = await logMark(ctx());

    expectError(await oobExchange(ctx(), auth, mfaToken, 'x', '123456'), 403, 'unauthorized_client', "Grant type 'http://auth0.com/oauth/grant-type/mfa-oob' not allowed for the client.");
    expectError(await recoveryExchange(auth, mfaToken, recoveryCode!), 403, 'unauthorized_client', "Grant type 'http://auth0.com/oauth/grant-type/mfa-recovery-code' not allowed for the client.");
    // a code it could never exchange is not sent
    expectError(await challenge(ctx(), auth, mfaToken), 403, 'unauthorized_client', "Grant type 'http://auth0.com/oauth/grant-type/mfa-oob' not allowed for the client.");

    expect(await mfaState(ctx(), actors.user.user_id)).toEqual(before);
    expect(await since()).toEqual(['feoobft', 'fercft']);
  });

  it('an application without the mfa-oob grant cannot start an enrollment it could never confirm', async () => {
    await enablePhoneFactor(ctx());
    const actors = await mfaActors(ctx());
    const passwordOnly = await createClient(ctx(), { name: 'Password only', grant_types: ['password', GRANT_TYPES.mfaRecoveryCode] });
    const auth = { client_id: passwordOnly.client_id, client_secret: passwordOnly.client_secret! };
    const mfaToken = await passwordForMfaToken(ctx(), { ...actors, client: passwordOnly, clientAuth: auth });
    const before = await mfaState(ctx(), actors.user.user_id);
    const since = await logMark(ctx());
    expectError(await associate(ctx(), mfaToken), 403, 'unauthorized_client', "Grant type 'http://auth0.com/oauth/grant-type/mfa-oob' not allowed for the client.");
    expect(await mfaState(ctx(), actors.user.user_id)).toEqual(before);
    expect(await since()).toEqual([]);
  });

  it('recovery code: a wrong one is refused (gd_recovery_failed, fercft); the right one, typed loosely, works once and is replaced', async () => {
    const { actors, recoveryCode } = await loginChallenged();
    const mfaToken = await passwordForMfaToken(ctx(), actors);
    const before = await mfaState(ctx(), actors.user.user_id);
    const since = await logMark(ctx());

    expectError(await recoveryExchange(actors.clientAuth, mfaToken, undefined), 400, 'invalid_request', 'Missing required parameter: recovery_code');
    const wrong = recoveryCode.startsWith('A') ? `B${recoveryCode.slice(1)}` : `A${recoveryCode.slice(1)}`;
    expectError(await recoveryExchange(actors.clientAuth, mfaToken, wrong), 403, 'invalid_grant', 'Invalid recovery_code.');
    expect(await mfaState(ctx(), actors.user.user_id)).toEqual(before);
    expect(await since()).toEqual(['fercft', 'gd_recovery_failed', 'fercft']);
    expect((await logsOf(ctx(), 'gd_recovery_failed'))[0]).toMatchObject({ user_id: actors.user.user_id, client_id: actors.client.client_id });

    // lower case, in groups of four, with spaces and dashes, as people copy it
    const loose = recoveryCode.toLowerCase().match(/.{4}/g)!.join(' - ');
    const recovered = await recoveryExchange(actors.clientAuth, mfaToken, loose);
    expect(recovered.statusCode).toBe(200);
    const next = recovered.json().recovery_code as string;
    expect(recovered.json()).toMatchObject({ access_token: expect.any(String), token_type: 'Bearer', recovery_code: expect.stringMatching(/^[A-Z0-9]{24}$/) });
    expect(next).not.toBe(recoveryCode);
    expect((await logsOf(ctx(), 'gd_recovery_succeed')).length).toBeGreaterThan(0);

    // the old code is dead, the new one works
    const later = await passwordForMfaToken(ctx(), actors);
    expectError(await recoveryExchange(actors.clientAuth, later, recoveryCode), 403, 'invalid_grant', 'Invalid recovery_code.');
    expect((await recoveryExchange(actors.clientAuth, later, next)).statusCode).toBe(200);
  });

  it('recovery code: a user without one (factor off at enrollment, or enrollment unconfirmed) is refused', async () => {
    await enablePhoneFactor(ctx(), { recoveryCode: false });
    const withoutCode = await mfaActors(ctx());
    expect((await enrollPhone(ctx(), withoutCode)).recoveryCode).toBeUndefined();
    await enablePhoneFactor(ctx()); // recovery codes on again: this user still has none
    const mfaToken = await passwordForMfaToken(ctx(), withoutCode);
    const before = await mfaState(ctx(), withoutCode.user.user_id);
    const since = await logMark(ctx());
    expectError(await recoveryExchange(withoutCode.clientAuth, mfaToken, 'ABCDABCDABCDABCDABCDABCD'), 403, 'invalid_grant', 'The user has no recovery code.');
    expect(await mfaState(ctx(), withoutCode.user.user_id)).toEqual(before);
    expect(await since()).toEqual(['fercft']);

    // the recovery code shown by /mfa/associate does not skip confirming the phone
    const pending = await mfaActors(ctx());
    const pendingToken = await passwordForMfaToken(ctx(), pending);
    const enrolled = await associate(ctx(), pendingToken, { authenticator_types: ['oob'], oob_channels: ['sms'], phone_number: '+14155552673' });
    const shown = enrolled.json().recovery_codes[0] as string;
    const pendingBefore = await mfaState(ctx(), pending.user.user_id);
    expectError(await recoveryExchange(pending.clientAuth, pendingToken, shown), 403, 'invalid_grant', 'The user has no recovery code.');
    expect(await mfaState(ctx(), pending.user.user_id)).toEqual(pendingBefore);
  });

  it('recovery code: once the tenant turns recovery codes off, existing ones stop working', async () => {
    const { actors, recoveryCode } = await loginChallenged();
    await ctx().services.guardian.setFactor(ctx().tenant, 'recovery-code', false, {});
    const mfaToken = await passwordForMfaToken(ctx(), actors);
    const before = await mfaState(ctx(), actors.user.user_id);
    const since = await logMark(ctx());
    expectError(await recoveryExchange(actors.clientAuth, mfaToken, recoveryCode), 403, 'invalid_grant', 'Recovery codes are not enabled for this tenant.');
    expect(await mfaState(ctx(), actors.user.user_id)).toEqual(before);
    expect(await since()).toEqual(['fercft']);
    await ctx().services.guardian.setFactor(ctx().tenant, 'recovery-code', true, {});
    expect((await recoveryExchange(actors.clientAuth, mfaToken, recoveryCode)).statusCode).toBe(200);
  });
});
