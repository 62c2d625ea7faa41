import { describe, expect, it } from 'vitest';
import { GRANT_TYPES } from '../../src/domain/grant-types.js';
import { DependencyUnavailableError } from '../../src/errors/errors.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { challenge, challengeOf, enablePhoneFactor, enrollPhone, latestCode, logMark, mfaActors, mfaState, oobExchange, passwordForMfaToken, US_MOBILE } from '../mfa/support.js';

/**
 * The mfa-oob exchange spends the second factor (the challenge is consumed, the mfa_token completed). Its tokens are
 * signed before that transaction and everything else it writes (refresh token, login count, success event) is inside
 * it: a database failure at any step leaves the code and the mfa_token as good as before, so the user retries instead
 * of losing the login. The failure is injected where the reported incident had it: reading the signing key.
 */
describe.each(DIALECTS)('mfa-oob exchange is all or nothing (%s)', (dialect) => {
  const ctx = useTestContext(dialect);

  it('a signing-key read that fails leaves the challenge unconsumed and the mfa_token open; the same code then succeeds', async () => {
    await enablePhoneFactor(ctx());
    const actors = await mfaActors(ctx());
    // offline_access needs the refresh_token grant: the exchange then also writes a refresh token.
    await ctx().services.clients.update(ctx().tenant, actors.client.client_id, { grant_types: ['password', 'refresh_token', GRANT_TYPES.mfaOob] });
    await enrollPhone(ctx(), actors);
    const mfaToken = await passwordForMfaToken(ctx(), actors, { scope: 'openid offline_access' });
    const sent = await challenge(ctx(), actors.clientAuth, mfaToken);
    const oobCode = sent.json().oob_code as string;
    const code = await latestCode(ctx(), US_MOBILE);
    const before = await mfaState(ctx(), actors.user.user_id);
    const since = await logMark(ctx());
    const logins = async () => (await ctx().services.users.find(ctx().tenant, actors.user.user_id))?.logins_count;
    const loginsBefore = await logins();

    const { signingKeys } = ctx().services;
    const original = signingKeys.signingKey;
    signingKeys.signingKey = async () => {
      throw new DependencyUnavailableError('database', 'injected: the database went away');
    };
    let failed;
    try {
      failed = await oobExchange(ctx(), actors.clientAuth, mfaToken, oobCode, code);
    } finally {
      signingKeys.signingKey = original;
    }
    expect({ status: failed.statusCode, body: failed.json() }).toEqual({
      status: 503,
      body: { error: 'temporarily_unavailable', error_description: 'The service is temporarily unavailable. Try again in a few seconds.' },
    });
    expect(await mfaState(ctx(), actors.user.user_id)).toEqual(before);
    expect((await challengeOf(ctx(), oobCode))?.consumed_at).toBeNull();
    expect(await ctx().handle.db.selectFrom('refresh_tokens').select('token_hash').where('user_id', '=', actors.user.user_id).execute()).toEqual([]);
    expect(await logins()).toBe(loginsBefore);
    expect(await since()).toEqual(['feoobft']);

    const retried = await oobExchange(ctx(), actors.clientAuth, mfaToken, oobCode, code);
    expect(retried.statusCode).toBe(200);
    expect(Object.keys(retried.json()).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'refresh_token', 'scope', 'token_type']);
    expect(await ctx().handle.db.selectFrom('refresh_tokens').select('token_hash').where('user_id', '=', actors.user.user_id).execute()).toHaveLength(1);
    expect(await logins()).toBe(loginsBefore! + 1);
    expect(await since()).toEqual(['feoobft', 'gd_auth_succeed', 'seoobft']);
  });
});
