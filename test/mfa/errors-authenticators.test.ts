import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { GRANT_TYPES } from '../../src/domain/grant-types.js';
import { logsOf, tokenRequest } from '../auth/helpers.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import {
  US_MOBILE,
  associate,
  challenge,
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
 * `GET /mfa/authenticators` and `DELETE /mfa/authenticators/{id}`: who may list and remove, and what a removal
 * takes with it. Then the secrecy of a whole flow: no code in any response, no code or recovery code in any log.
 */
describe.each(DIALECTS)('MFA API authenticators: refusals and secrecy (%s)', (dialect) => {
  const clock = new ManualClock(new Date());
  const ctx = useTestContext(dialect, { clock });

  const list = (bearer: string) => mfaApi(ctx(), 'GET', '/mfa/authenticators', { bearer });
  const remove = (bearer: string, id: string) => mfaApi(ctx(), 'DELETE', `/mfa/authenticators/${encodeURIComponent(id)}`, { bearer });

  it('DELETE with an mfa_token, or an access token without remove:authenticators: 403, nothing removed', async () => {
    await enablePhoneFactor(ctx());
    const actors = await mfaActors(ctx());
    const { smsId } = await enrollPhone(ctx(), actors);
    const mfaToken = await passwordForMfaToken(ctx(), actors);
    const readOnly = await mfaAccessToken(ctx(), actors, 'read:authenticators');
    const before = await mfaState(ctx(), actors.user.user_id);
    const since = await logMark(ctx());

    expectError(
      await remove(mfaToken, smsId),
      403,
      'access_denied',
      'Removing an authenticator needs an access token for the MFA API with the remove:authenticators scope, not an mfa_token.',
    );
    expectError(await remove(readOnly, smsId), 403, 'access_denied', 'Insufficient scope, expected: remove:authenticators');
    expect(await mfaState(ctx(), actors.user.user_id)).toEqual(before);
    expect(await since()).toEqual([]);
  });

  it('DELETE of an unknown, malformed or another user’s authenticator: 404, nothing removed', async () => {
    await enablePhoneFactor(ctx());
    const other = await mfaActors(ctx());
    const { smsId: theirs } = await enrollPhone(ctx(), other, '+14155552672');
    const actors = await mfaActors(ctx());
    await enrollPhone(ctx(), actors);
    const token = await mfaAccessToken(ctx(), actors);
    const mine = await mfaState(ctx(), actors.user.user_id);
    const theirsBefore = await ctx().services.authenticators.listForUser(ctx().tenant, other.user.user_id);
    const since = await logMark(ctx());

    for (const id of ['sms|dev_AAAAAAAAAAAAAAAA', 'nonsense', theirs, theirs.replace('sms|', 'voice|'), theirs.split('|')[1]!]) {
      expectError(await remove(token, id), 404, 'invalid_request', 'Authenticator not found');
    }
    expect(await mfaState(ctx(), actors.user.user_id)).toEqual(mine);
    expect(await ctx().services.authenticators.listForUser(ctx().tenant, other.user.user_id)).toEqual(theirsBefore);
    expect(await since()).toEqual([]);
  });

  it('DELETE with remove:authenticators: 204; the sms id takes the voice one and the recovery code with it; gd_unenroll masks the number', async () => {
    await enablePhoneFactor(ctx(), { messageTypes: ['sms', 'voice'] });
    const actors = await mfaActors(ctx());
    const { smsId } = await enrollPhone(ctx(), actors);
    const token = await mfaAccessToken(ctx(), actors);
    const listed = (await list(token)).json() as Array<{ id: string }>;
    expect(listed.map((a) => a.id.split('|')[0]).sort()).toEqual(['recovery-code', 'sms', 'voice']);
    const since = await logMark(ctx());

    const removed = await remove(token, smsId);
    expect(removed.statusCode).toBe(204);
    expect(removed.body).toBe('');
    expect((await list(token)).json()).toEqual([]);
    expect(await ctx().services.authenticators.listForUser(ctx().tenant, actors.user.user_id)).toEqual([]);
    expect(await since()).toEqual(['gd_unenroll', 'gd_unenroll']);
    const [recovery, phone] = await logsOf(ctx(), 'gd_unenroll');
    expect(phone).toMatchObject({ user_id: actors.user.user_id, details: { authenticator: { id: smsId.split('|')[1], type: 'phone', phone_number: 'XXXXXXX2671' } } });
    expect(recovery).toMatchObject({ details: { authenticator: { type: 'recovery-code' } } });
    expect(JSON.stringify(await logsOf(ctx(), 'gd_unenroll'))).not.toContain(US_MOBILE.slice(1));

    // gone means gone: a second DELETE is a 404
    expectError(await remove(token, smsId.replace('sms|', 'voice|')), 404, 'invalid_request', 'Authenticator not found');
  });

  it('GET without read:authenticators: 403; with a /userinfo access token, or an expired MFA access token: 401', async () => {
    await enablePhoneFactor(ctx());
    const actors = await mfaActors(ctx());
    await enrollPhone(ctx(), actors);
    const enrollOnly = await mfaAccessToken(ctx(), actors, 'enroll');
    expectError(await list(enrollOnly), 403, 'access_denied', 'Insufficient scope, expected: read:authenticators');

    // a login with MFA and no audience: an access token for /userinfo, not for the MFA API
    const mfaToken = await passwordForMfaToken(ctx(), actors, { scope: 'openid' });
    const sent = await challenge(ctx(), actors.clientAuth, mfaToken);
    const userinfoToken = (await oobExchange(ctx(), actors.clientAuth, mfaToken, sent.json().oob_code, await latestCode(ctx(), US_MOBILE))).json().access_token as string;
    expect((await mfaApi(ctx(), 'GET', '/userinfo', { bearer: userinfoToken })).statusCode).toBe(200);
    expectError(await list(userinfoToken), 401, 'invalid_grant', 'Malformed mfa_token');
    expectError(await remove(userinfoToken, 'sms|dev_AAAAAAAAAAAAAAAA'), 401, 'invalid_grant', 'Malformed mfa_token');
    expectError(await associate(ctx(), userinfoToken), 401, 'invalid_grant', 'Malformed mfa_token');

    const reader = await mfaAccessToken(ctx(), actors, 'read:authenticators');
    expect((await list(reader)).statusCode).toBe(200);
    clock.advance(24 * 3_600_000 + 1_000);
    expectError(await list(reader), 401, 'expired_token', 'mfa_token is expired');
  });

  it('no one-time code in any response, and no code, recovery code, token or full number in any log entry', async () => {
    await enablePhoneFactor(ctx());
    const actors = await mfaActors(ctx());
    const responses: LightMyRequestResponse[] = [];
    const keep = (response: LightMyRequestResponse) => {
      responses.push(response);
      return response;
    };
    const codes: string[] = [];
    const secrets: string[] = [];

    // enroll: a wrong code, then the right one
    const firstToken = await passwordForMfaToken(ctx(), actors);
    const enrolled = keep(await associate(ctx(), firstToken));
    const code1 = await latestCode(ctx(), US_MOBILE);
    keep(await oobExchange(ctx(), actors.clientAuth, firstToken, enrolled.json().oob_code, wrongCode(code1)));
    keep(await oobExchange(ctx(), actors.clientAuth, firstToken, enrolled.json().oob_code, code1));
    const recovery1 = enrolled.json().recovery_codes[0] as string;

    // log in: challenge, wrong code, right code
    const secondToken = await passwordForMfaToken(ctx(), actors);
    const sent = keep(await challenge(ctx(), actors.clientAuth, secondToken));
    const code2 = await latestCode(ctx(), US_MOBILE);
    keep(await oobExchange(ctx(), actors.clientAuth, secondToken, sent.json().oob_code, wrongCode(code2)));
    keep(await oobExchange(ctx(), actors.clientAuth, secondToken, sent.json().oob_code, code2));

    // log in with the recovery code: a wrong one, then the right one
    const thirdToken = await passwordForMfaToken(ctx(), actors);
    const recover = (code: string) => tokenRequest(ctx(), { grant_type: GRANT_TYPES.mfaRecoveryCode, ...actors.clientAuth, mfa_token: thirdToken, recovery_code: code });
    keep(await recover('ABCDABCDABCDABCDABCDABCD'));
    const recovered = keep(await recover(recovery1));
    expect(recovered.statusCode).toBe(200);
    const recovery2 = recovered.json().recovery_code as string;

    codes.push(code1, code2);
    secrets.push(recovery1, recovery2, firstToken, secondToken, thirdToken, enrolled.json().oob_code, sent.json().oob_code, US_MOBILE, US_MOBILE.slice(1));
    expect(responses.map((r) => r.statusCode)).toEqual([200, 403, 200, 200, 403, 200, 403, 200]);

    // codes are six digits: look for them as whole numbers (log ids and timestamps are long digit runs)
    const containsCode = (text: string, code: string) => new RegExp(`(?<!\\d)${code}(?!\\d)`).test(text);
    for (const response of responses) {
      const text = `${JSON.stringify(response.headers)}\n${response.body}`;
      for (const code of codes) expect(containsCode(text, code), `code in ${response.body}`).toBe(false);
    }
    const { logs } = await ctx().services.events.list(ctx().tenant.id, { userId: actors.user.user_id }, { offset: 0, limit: 1000, order: 'asc' }, false);
    expect(logs.map((l) => l.type)).toEqual(expect.arrayContaining(['gd_send_sms', 'gd_auth_failed', 'gd_auth_succeed', 'gd_recovery_failed', 'gd_recovery_succeed', 'seoobft', 'feoobft', 'fercft', 'sercft']));
    const { logs: all } = await ctx().services.events.list(ctx().tenant.id, {}, { offset: 0, limit: 1000, order: 'asc' }, false);
    const text = JSON.stringify(all);
    for (const code of codes) expect(containsCode(text, code), 'a code in the log').toBe(false);
    for (const secret of secrets) expect(text.includes(secret), 'a secret in the log').toBe(false);
  });
});
