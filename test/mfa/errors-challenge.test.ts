import { describe, expect, it } from 'vitest';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { US_MOBILE, associate, challenge, enablePhoneFactor, enrollPhone, inbox, logMark, mfaActors, mfaApi, mfaState, passwordForMfaToken, expectError } from './support.js';

/**
 * `POST /mfa/challenge` refused: the application, the user's enrollment, the challenge type, the authenticator
 * and channel asked for. A refused challenge sends nothing and opens no challenge.
 */
describe.each(DIALECTS)('MFA API /mfa/challenge refusals (%s)', (dialect) => {
  const ctx = useTestContext(dialect);


  /** An enrolled user at the second step of a new login; `check` runs refusals, then nothing must have changed. */
  async function enrolledLogin(options: Parameters<typeof enablePhoneFactor>[1] = {}) {
    await enablePhoneFactor(ctx(), options);
    const actors = await mfaActors(ctx());
    const { smsId } = await enrollPhone(ctx(), actors);
    const mfaToken = await passwordForMfaToken(ctx(), actors);
    const device = smsId.split('|')[1]!;
    const before = await mfaState(ctx(), actors.user.user_id);
    const since = await logMark(ctx());
    const nothingChanged = async () => {
      expect(await mfaState(ctx(), actors.user.user_id)).toEqual(before);
      expect(await since()).toEqual([]);
    };
    return { actors, mfaToken, device, nothingChanged };
  }

  it('a user not enrolled (or with an unconfirmed enrollment only): association_required', async () => {
    await enablePhoneFactor(ctx());
    const actors = await mfaActors(ctx());
    const mfaToken = await passwordForMfaToken(ctx(), actors);
    const notEnrolled = 'User is not enrolled. Enroll an authenticator with /mfa/associate.';
    let before = await mfaState(ctx(), actors.user.user_id);
    expectError(await challenge(ctx(), actors.clientAuth, mfaToken), 403, 'association_required', notEnrolled);
    expect(await mfaState(ctx(), actors.user.user_id)).toEqual(before);

    expect((await associate(ctx(), mfaToken)).statusCode).toBe(200);
    before = await mfaState(ctx(), actors.user.user_id);
    const since = await logMark(ctx());
    expectError(await challenge(ctx(), actors.clientAuth, mfaToken), 403, 'association_required', notEnrolled);
    expect(await mfaState(ctx(), actors.user.user_id)).toEqual(before);
    expect(await since()).toEqual([]);
  });

  it('challenge_type: missing → invalid_request, "otp" only → unsupported_challenge_type, "otp oob" → a code by SMS', async () => {
    const { actors, mfaToken, nothingChanged } = await enrolledLogin();
    expectError(await challenge(ctx(), actors.clientAuth, mfaToken, { challenge_type: '' }), 400, 'invalid_request', 'Missing required parameter: challenge_type');
    const noOtp = 'The user has no authenticator for the requested challenge type.';
    expectError(await challenge(ctx(), actors.clientAuth, mfaToken, { challenge_type: 'otp' }), 400, 'unsupported_challenge_type', noOtp);
    expectError(await challenge(ctx(), actors.clientAuth, mfaToken, { challenge_type: 'push-notification' }), 400, 'unsupported_challenge_type', noOtp);
    await nothingChanged();

    const sent = await challenge(ctx(), actors.clientAuth, mfaToken, { challenge_type: 'otp oob' });
    expect(sent.statusCode).toBe(200);
    expect(sent.json()).toEqual({ challenge_type: 'oob', oob_code: expect.any(String), binding_method: 'prompt' });
    expect((await inbox(ctx(), US_MOBILE))[0]).toMatchObject({ purpose: 'verification', channel: 'sms' });
  });

  it('authenticator_id: unknown, malformed, another user’s, or the recovery code → 400 invalid_request', async () => {
    const other = await enrolledLogin();
    const otherBefore = await mfaState(ctx(), other.actors.user.user_id);
    const { actors, mfaToken, device, nothingChanged } = await enrolledLogin();
    const recoveryId = ((await mfaApi(ctx(), 'GET', '/mfa/authenticators', { bearer: mfaToken })).json() as Array<{ id: string }>).find((a) => a.id.startsWith('recovery-code|'))!.id;
    const notAPhone = 'authenticator_id does not name an enrolled phone authenticator of this user';
    for (const id of ['sms|dev_AAAAAAAAAAAAAAAA', 'sms|nonsense', 'email|' + device, '', `sms|${other.device}`, `voice|${other.device}`, other.device, recoveryId]) {
      expectError(await challenge(ctx(), actors.clientAuth, mfaToken, { authenticator_id: id }), 400, 'invalid_request', notAPhone);
    }
    await nothingChanged();
    expect(await mfaState(ctx(), other.actors.user.user_id)).toMatchObject({ authenticators: otherBefore.authenticators });
  });

  it('oob_channel: not sms/voice, contradicting the authenticator id, or voice on a tenant with SMS only', async () => {
    const { actors, mfaToken, device, nothingChanged } = await enrolledLogin({ messageTypes: ['sms'] });
    expectError(await challenge(ctx(), actors.clientAuth, mfaToken, { oob_channel: 'email' }), 400, 'invalid_request', 'oob_channel must be "sms" or "voice"');
    expectError(await challenge(ctx(), actors.clientAuth, mfaToken, { authenticator_id: `sms|${device}`, oob_channel: 'voice' }), 400, 'invalid_request', `oob_channel voice contradicts authenticator sms|${device}`);
    const noVoice = 'Voice messages are not enabled for this tenant.';
    expectError(await challenge(ctx(), actors.clientAuth, mfaToken, { oob_channel: 'voice' }), 400, 'unsupported_challenge_type', noVoice);
    expectError(await challenge(ctx(), actors.clientAuth, mfaToken, { authenticator_id: `voice|${device}` }), 400, 'unsupported_challenge_type', noVoice);
    expectError(await challenge(ctx(), actors.clientAuth, mfaToken, { authenticator_id: `phone|${device}`, oob_channel: 'voice' }), 400, 'unsupported_challenge_type', noVoice);
    await nothingChanged();
  });

  it('voice to a real number with the built-in provider: refused before anything is sent', async () => {
    const { actors, mfaToken, device, nothingChanged } = await enrolledLogin({ messageTypes: ['sms', 'voice'] });
    expectError(
      await challenge(ctx(), actors.clientAuth, mfaToken, { authenticator_id: `voice|${device}` }),
      400,
      'unsupported_challenge_type',
      'The built-in phone provider cannot place voice calls: the tenant must select twilio or phone-message-hook for voice.',
    );
    await nothingChanged();
  });

  it('the phone factor turned off after mfa_required: unsupported_challenge_type', async () => {
    const { actors, mfaToken } = await enrolledLogin();
    await ctx().services.guardian.setFactor(ctx().tenant, 'sms', false, {});
    try {
      const before = await mfaState(ctx(), actors.user.user_id);
      const since = await logMark(ctx());
      expectError(await challenge(ctx(), actors.clientAuth, mfaToken), 400, 'unsupported_challenge_type', 'The phone factor (sms) is not enabled for this tenant.');
      expect(await mfaState(ctx(), actors.user.user_id)).toEqual(before);
      expect(await since()).toEqual([]);
    } finally {
      await ctx().services.guardian.setFactor(ctx().tenant, 'sms', true, {});
    }
  });

  it('client authentication: missing client_id → 400, missing or wrong secret, unknown client → 401 invalid_client, each logged as feoobft', async () => {
    const { actors, mfaToken } = await enrolledLogin();
    const before = await mfaState(ctx(), actors.user.user_id);
    const since = await logMark(ctx());
    const { client_id, client_secret } = actors.clientAuth;
    expectError(await challenge(ctx(), {}, mfaToken), 400, 'invalid_request', 'Missing required parameter: client_id');
    expectError(await challenge(ctx(), { client_id }, mfaToken), 401, 'invalid_client', 'Unauthorized');
    expectError(await challenge(ctx(), { client_id, client_secret: `${client_secret}x` }, mfaToken), 401, 'invalid_client', 'Unauthorized');
    expectError(await challenge(ctx(), { client_id: 'no-such-client', client_secret }, mfaToken), 401, 'invalid_client', 'Unauthorized');
    // nothing sent, no challenge opened; one failed-exchange entry per refused client authentication
    expect(await mfaState(ctx(), actors.user.user_id)).toEqual(before);
    expect(await since()).toEqual(['feoobft', 'feoobft', 'feoobft']);
    const failures = (await ctx().services.events.list(ctx().tenant.id, { types: ['feoobft'] }, { offset: 0, limit: 3, order: 'desc' }, false)).logs.reverse();
    expect(failures.map((l) => [l.client_id, l.client_name, l.description, l.details])).toEqual([
      [client_id, actors.client.name, 'Missing client secret (the client is confidential)', { reason: 'missing_secret' }],
      [client_id, actors.client.name, 'Wrong client secret', { reason: 'wrong_secret' }],
      ['no-such-client', undefined, 'Unknown client', { reason: 'unknown_client' }],
    ]);
    expect(JSON.stringify(failures)).not.toContain(client_secret);
  });
});
