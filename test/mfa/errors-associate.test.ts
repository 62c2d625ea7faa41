import { describe, expect, it } from 'vitest';
import { GRANT_TYPES } from '../../src/domain/grant-types.js';
import { tokenRequest } from '../auth/helpers.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import {
  US_MOBILE,
  associate,
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
 * `POST /mfa/associate` refused: what is enrolled, over which channel, to which number, by whom. A refusal
 * leaves no pending authenticator, no challenge, no message and no event.
 */
describe.each(DIALECTS)('MFA API /mfa/associate refusals (%s)', (dialect) => {
  const ctx = useTestContext(dialect);

  const sms = (phone_number: unknown) => ({ authenticator_types: ['oob'], oob_channels: ['sms'], phone_number });

  /** A user who got mfa_required and has not enrolled; `check` runs refusals, then nothing must have changed. */
  async function refusedWithNothingWritten(check: (mfaToken: string) => Promise<void>, options: Parameters<typeof enablePhoneFactor>[1] = {}) {
    await enablePhoneFactor(ctx(), options);
    const actors = await mfaActors(ctx());
    const mfaToken = await passwordForMfaToken(ctx(), actors);
    const before = await mfaState(ctx(), actors.user.user_id);
    const since = await logMark(ctx());
    await check(mfaToken);
    expect(await mfaState(ctx(), actors.user.user_id)).toEqual(before);
    expect(await since()).toEqual([]);
    return { actors, mfaToken };
  }

  it('authenticator_types must include "oob"', async () => {
    await refusedWithNothingWritten(async (mfaToken) => {
      const onlyOob = 'authenticator_types: only "oob" (SMS and voice) authenticators can be enrolled';
      expectError(await associate(ctx(), mfaToken, { ...sms(US_MOBILE), authenticator_types: ['otp'] }), 400, 'invalid_request', onlyOob);
      expectError(await associate(ctx(), mfaToken, { ...sms(US_MOBILE), authenticator_types: ['OOB'] }), 400, 'invalid_request', onlyOob);
      // the JSON schema at the edge
      expectError(await associate(ctx(), mfaToken, { oob_channels: ['sms'], phone_number: US_MOBILE }), 400, 'invalid_request', 'Missing required property: authenticator_types');
      expectError(await associate(ctx(), mfaToken, { ...sms(US_MOBILE), authenticator_types: [] }), 400, 'invalid_request', 'authenticator_types: must NOT have fewer than 1 items');
      expectError(await associate(ctx(), mfaToken, { ...sms(US_MOBILE), authenticator_types: 'oob' }), 400, 'invalid_request', 'Expected type array on property authenticator_types');
    });
  });

  it('oob_channels must be exactly ["sms"] or ["voice"]', async () => {
    await refusedWithNothingWritten(async (mfaToken) => {
      const oneChannel = 'oob_channels must be ["sms"] or ["voice"]';
      expectError(await associate(ctx(), mfaToken, { authenticator_types: ['oob'], phone_number: US_MOBILE }), 400, 'invalid_request', oneChannel);
      expectError(await associate(ctx(), mfaToken, { ...sms(US_MOBILE), oob_channels: ['email'] }), 400, 'invalid_request', oneChannel);
      expectError(await associate(ctx(), mfaToken, { ...sms(US_MOBILE), oob_channels: ['auth0'] }), 400, 'invalid_request', oneChannel);
      expectError(await associate(ctx(), mfaToken, { ...sms(US_MOBILE), oob_channels: ['sms', 'voice'] }), 400, 'invalid_request', oneChannel);
      expectError(await associate(ctx(), mfaToken, { ...sms(US_MOBILE), oob_channels: [] }), 400, 'invalid_request', 'oob_channels: must NOT have fewer than 1 items');
    }, { messageTypes: ['sms', 'voice'] });
  });

  it('a channel the tenant has not enabled is refused', async () => {
    await refusedWithNothingWritten(async (mfaToken) => {
      expectError(await associate(ctx(), mfaToken, { ...sms(US_MOBILE), oob_channels: ['voice'] }), 400, 'invalid_request', 'Voice messages are not enabled for this tenant.');
    }, { messageTypes: ['sms'] });
    await refusedWithNothingWritten(async (mfaToken) => {
      expectError(await associate(ctx(), mfaToken, sms(US_MOBILE)), 400, 'invalid_request', 'SMS messages are not enabled for this tenant.');
    }, { messageTypes: ['voice'] });
  });

  it('the phone factor turned off after mfa_required: no enrollment', async () => {
    await enablePhoneFactor(ctx());
    const actors = await mfaActors(ctx());
    const mfaToken = await passwordForMfaToken(ctx(), actors);
    await ctx().services.guardian.setFactor(ctx().tenant, 'sms', false, {});
    const before = await mfaState(ctx(), actors.user.user_id);
    expectError(await associate(ctx(), mfaToken, sms(US_MOBILE)), 400, 'invalid_request', 'The phone factor (sms) is not enabled for this tenant.');
    expect(await mfaState(ctx(), actors.user.user_id)).toEqual(before);
    await ctx().services.guardian.setFactor(ctx().tenant, 'sms', true, {});
  });

  it('phone_number: missing, not E.164, with an extension, or not a real number — each with its message', async () => {
    await refusedWithNothingWritten(async (mfaToken) => {
      const notE164 = 'phone_number must be in E.164 format: a plus sign, the country code and the number, digits only, e.g. +14155550100';
      const extension = 'phone_number must not include an extension';
      const invalid = 'phone_number is not a valid phone number (unknown country code, or a prefix or length its country does not assign), e.g. +14155550100';
      expectError(await associate(ctx(), mfaToken, { authenticator_types: ['oob'], oob_channels: ['sms'] }), 400, 'invalid_request', 'Missing required parameter: phone_number');
      expectError(await associate(ctx(), mfaToken, sms('')), 400, 'invalid_request', 'Missing required parameter: phone_number');
      expectError(await associate(ctx(), mfaToken, sms('+1 415 555 2671')), 400, 'invalid_request', notE164);
      expectError(await associate(ctx(), mfaToken, sms('14155552671')), 400, 'invalid_request', notE164);
      expectError(await associate(ctx(), mfaToken, sms('+1-415-555-2671')), 400, 'invalid_request', notE164);
      expectError(await associate(ctx(), mfaToken, sms('+14155552671;ext=12')), 400, 'invalid_request', extension);
      expectError(await associate(ctx(), mfaToken, sms('+14155552671 x12')), 400, 'invalid_request', extension);
      expectError(await associate(ctx(), mfaToken, sms('+19995552671')), 400, 'invalid_request', invalid);
      expectError(await associate(ctx(), mfaToken, sms('+999123456789')), 400, 'invalid_request', invalid);
      expectError(await associate(ctx(), mfaToken, sms(14155552671)), 400, 'invalid_request', 'Expected type string on property phone_number');
    });
  });

  it('a user already enrolled cannot enroll again with an mfa_token: access_denied "User is already enrolled."', async () => {
    await enablePhoneFactor(ctx());
    const actors = await mfaActors(ctx());
    await enrollPhone(ctx(), actors);
    const mfaToken = await passwordForMfaToken(ctx(), actors);
    const before = await mfaState(ctx(), actors.user.user_id);
    const since = await logMark(ctx());
    expectError(await associate(ctx(), mfaToken, sms('+14155552672')), 403, 'access_denied', 'User is already enrolled.');
    expect(await mfaState(ctx(), actors.user.user_id)).toEqual(before);
    expect(await since()).toEqual([]);
  });

  it('an MFA API access token needs the enroll scope, and a second phone needs the first removed', async () => {
    await enablePhoneFactor(ctx());
    const actors = await mfaActors(ctx());
    await enrollPhone(ctx(), actors);
    const readOnly = await mfaAccessToken(ctx(), actors, 'read:authenticators remove:authenticators');
    const enroll = await mfaAccessToken(ctx(), actors, 'enroll');
    const before = await mfaState(ctx(), actors.user.user_id);
    const since = await logMark(ctx());
    expectError(await associate(ctx(), readOnly, sms('+14155552672')), 403, 'access_denied', 'Insufficient scope, expected: enroll');
    expectError(await associate(ctx(), enroll, sms('+14155552672')), 403, 'access_denied', 'User already has a phone authenticator: remove it before enrolling another.');
    expect(await mfaState(ctx(), actors.user.user_id)).toEqual(before);
    expect(await since()).toEqual([]);
  });

  it('recovery codes: none when the recovery-code factor is off; a new one, and the old one dead, after re-enrolling from scratch', async () => {
    await enablePhoneFactor(ctx(), { recoveryCode: false });
    const noCodes = await mfaActors(ctx());
    const noCodesToken = await passwordForMfaToken(ctx(), noCodes);
    const enrolled = await associate(ctx(), noCodesToken, sms(US_MOBILE));
    expect(enrolled.statusCode).toBe(200);
    expect(enrolled.json()).not.toHaveProperty('recovery_codes');
    const listed = (await mfaApi(ctx(), 'GET', '/mfa/authenticators', { bearer: noCodesToken })).json() as Array<{ authenticator_type: string }>;
    expect(listed.map((a) => a.authenticator_type)).toEqual(['oob']);

    await enablePhoneFactor(ctx());
    const actors = await mfaActors(ctx());
    const { smsId, recoveryCode: first } = await enrollPhone(ctx(), actors);
    const accessToken = await mfaAccessToken(ctx(), actors);
    expect((await mfaApi(ctx(), 'DELETE', `/mfa/authenticators/${smsId}`, { bearer: accessToken })).statusCode).toBe(204);
    const again = await associate(ctx(), accessToken, sms('+14155552672'));
    expect(again.statusCode).toBe(200);
    const second = again.json().recovery_codes[0] as string;
    expect(second).toMatch(/^[A-Z0-9]{24}$/);
    expect(second).not.toBe(first);
    expect((await oobExchange(ctx(), actors.clientAuth, accessToken, again.json().oob_code, await latestCode(ctx(), '+14155552672'))).statusCode).toBe(200);

    const recover = async (code: string) =>
      tokenRequest(ctx(), { grant_type: GRANT_TYPES.mfaRecoveryCode, ...actors.clientAuth, mfa_token: await passwordForMfaToken(ctx(), actors), recovery_code: code });
    expect((await recover(first!)).json()).toEqual({ error: 'invalid_grant', error_description: 'Invalid recovery_code.' });
    expect((await recover(second)).statusCode).toBe(200);
  });

  it('an abandoned enrollment is replaced by a new associate: its number, oob_code and recovery code are gone', async () => {
    await enablePhoneFactor(ctx());
    const actors = await mfaActors(ctx());
    const mfaToken = await passwordForMfaToken(ctx(), actors);
    const abandoned = await associate(ctx(), mfaToken, sms('+14155552672'));
    expect(abandoned.statusCode).toBe(200);
    const abandonedCode = await latestCode(ctx(), '+14155552672');

    const replaced = await associate(ctx(), mfaToken, sms(US_MOBILE));
    expect(replaced.statusCode).toBe(200);
    const rows = await ctx().services.authenticators.listForUser(ctx().tenant, actors.user.user_id);
    expect(rows.map((r) => [r.type, r.status, r.phone_number]).sort()).toEqual([
      ['phone', 'pending', US_MOBILE],
      ['recovery-code', 'pending', null],
    ]);
    const [oldRecovery] = abandoned.json().recovery_codes as string[];
    const [newRecovery] = replaced.json().recovery_codes as string[];
    expect(newRecovery).not.toBe(oldRecovery);

    expectError(await oobExchange(ctx(), actors.clientAuth, mfaToken, abandoned.json().oob_code, abandonedCode), 403, 'invalid_grant', 'Invalid oob_code.');
    expect((await oobExchange(ctx(), actors.clientAuth, mfaToken, replaced.json().oob_code, await latestCode(ctx(), US_MOBILE))).statusCode).toBe(200);
    const recover = async (code: string) =>
      tokenRequest(ctx(), { grant_type: GRANT_TYPES.mfaRecoveryCode, ...actors.clientAuth, mfa_token: await passwordForMfaToken(ctx(), actors), recovery_code: code });
    expect((await recover(oldRecovery!)).json()).toEqual({ error: 'invalid_grant', error_description: 'Invalid recovery_code.' });
    expect((await recover(newRecovery!)).statusCode).toBe(200);
  });
});
