import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { logsOf } from '../auth/helpers.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { JP_MOBILE, US_MOBILE, enablePhoneFactor, inbox, latestCode, mfaActors, mfaApi, oobExchange, passwordForMfaToken } from './support.js';

/**
 * Reference §2, step by step, as Auth0's documented curl calls make them: password → mfa_required →
 * /mfa/authenticators → /mfa/associate → mfa-oob grant, then later logins with /mfa/challenge.
 */
describe.each(DIALECTS)('MFA API phone flow (%s)', (dialect) => {
  const ctx = useTestContext(dialect);

  it('SMS: enrolls with the mfa_token, confirms with the code, then challenges on the next login', async () => {
    await enablePhoneFactor(ctx());
    const actors = await mfaActors(ctx());

    // 1. password grant → 403 mfa_required with an mfa_token
    const password = await ctx().app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { host: ctx().tenant.domain, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ grant_type: 'password', ...actors.clientAuth, username: actors.user.email, password: 'correct horse battery staple', scope: 'openid profile' }).toString(),
    });
    expect(password.statusCode).toBe(403);
    const required = password.json();
    expect(required).toEqual({ error: 'mfa_required', error_description: 'Multifactor authentication required', mfa_token: expect.any(String) });
    const mfaToken = required.mfa_token as string;
    expect(await logsOf(ctx(), 'mfar')).toHaveLength(1);
    expect(await logsOf(ctx(), 'sepft')).toHaveLength(0);

    // 2. not enrolled yet: an empty list
    const empty = await mfaApi(ctx(), 'GET', '/mfa/authenticators', { bearer: mfaToken });
    expect(empty.statusCode).toBe(200);
    expect(empty.json()).toEqual([]);

    // 3. associate an SMS authenticator, in Japanese
    const associate = await mfaApi(ctx(), 'POST', '/mfa/associate', {
      bearer: mfaToken,
      headers: { 'x-request-language': 'ja' },
      payload: { authenticator_types: ['oob'], oob_channels: ['sms'], phone_number: US_MOBILE },
    });
    expect(associate.statusCode).toBe(200);
    const enrolled = associate.json();
    expect(enrolled).toEqual({ authenticator_type: 'oob', binding_method: 'prompt', oob_channel: 'sms', oob_code: expect.any(String), recovery_codes: [expect.stringMatching(/^[A-Z0-9]{24}$/)] });

    const [message] = await inbox(ctx(), US_MOBILE);
    expect(message).toMatchObject({ channel: 'sms', purpose: 'enrollment', locale: 'ja' });
    expect(message!.body).toContain('Guardline');
    expect(message!.body).toMatch(/[\u3040-\u30ff]/); // Japanese text
    const code = await latestCode(ctx(), US_MOBILE);

    const pending = await mfaApi(ctx(), 'GET', '/mfa/authenticators', { bearer: mfaToken });
    expect(pending.json()).toEqual(
      expect.arrayContaining([
        { id: expect.stringMatching(/^sms\|dev_[A-Za-z0-9]{16}$/), authenticator_type: 'oob', active: false, oob_channel: 'sms', name: 'XXXXXXX2671' },
        { id: expect.stringMatching(/^recovery-code\|dev_[A-Za-z0-9]{16}$/), authenticator_type: 'recovery-code', active: false },
      ]),
    );
    expect(pending.json()).toHaveLength(2);

    // 4. a wrong code first, then the right one
    const wrong = await oobExchange(ctx(), actors.clientAuth, mfaToken, enrolled.oob_code, code === '000000' ? '111111' : '000000');
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json()).toEqual({ error: 'invalid_grant', error_description: 'Invalid binding_code.' });
    const tokens = await oobExchange(ctx(), actors.clientAuth, mfaToken, enrolled.oob_code, code);
    expect(tokens.statusCode).toBe(200);
    const set = tokens.json();
    expect(set).toMatchObject({ token_type: 'Bearer', scope: 'openid profile', access_token: expect.any(String), id_token: expect.any(String) });
    expect(decodeJwt(set.access_token)).toMatchObject({ sub: actors.user.user_id, gty: 'mfa-oob', aud: `${ctx().tenant.issuer}userinfo` });
    expect(await logsOf(ctx(), 'seoobft')).toHaveLength(1);
    expect(await logsOf(ctx(), 'feoobft')).toHaveLength(1);
    expect(await logsOf(ctx(), 'gd_enrollment_complete')).toHaveLength(1);
    expect(await logsOf(ctx(), 'gd_auth_failed')).toHaveLength(1);

    // the mfa_token and the oob_code are used up
    const again = await oobExchange(ctx(), actors.clientAuth, mfaToken, enrolled.oob_code, code);
    expect(again.json()).toEqual({ error: 'invalid_grant', error_description: 'mfa_token has already been used' });

    // 5. next login: challenge the enrolled authenticator, English verification text
    const nextToken = await passwordForMfaToken(ctx(), actors);
    const active = await mfaApi(ctx(), 'GET', '/mfa/authenticators', { bearer: nextToken });
    const sms = (active.json() as Array<{ id: string; active: boolean; authenticator_type: string }>).find((a) => a.authenticator_type === 'oob')!;
    expect(sms.active).toBe(true);
    const challenge = await mfaApi(ctx(), 'POST', '/mfa/challenge', {
      payload: { ...actors.clientAuth, challenge_type: 'oob', authenticator_id: sms.id, mfa_token: nextToken },
    });
    expect(challenge.statusCode).toBe(200);
    expect(challenge.json()).toEqual({ challenge_type: 'oob', oob_code: expect.any(String), binding_method: 'prompt' });
    const [verification] = await inbox(ctx(), US_MOBILE);
    expect(verification).toMatchObject({ purpose: 'verification', locale: 'en' });
    // Auth0's text, then the origin-bound one-time-code line (on by default; docs/compatibility.md)
    const verificationCode = codeOf(verification!.body);
    expect(verification!.body).toBe(`${verificationCode} is your verification code for Guardline\n\n@guardline.test #${verificationCode}`);
    const second = await oobExchange(ctx(), actors.clientAuth, nextToken, challenge.json().oob_code, codeOf(verification!.body));
    expect(second.statusCode).toBe(200);
    expect(await logsOf(ctx(), 'gd_start_auth')).toHaveLength(1);
    expect(await logsOf(ctx(), 'gd_auth_succeed')).toHaveLength(2);

    // no code, no full phone number in any log entry
    const logs = JSON.stringify((await ctx().services.events.list(ctx().tenant.id, {}, { offset: 0, limit: 100, order: 'desc' }, false)).logs);
    expect(logs).not.toContain(code);
    expect(logs).not.toContain(US_MOBILE);
    expect(logs).not.toContain(US_MOBILE.slice(1));
    expect(logs).toContain('XXXXXXX2671');
  });

  it('voice: a test number enrolls and challenges by voice; the script spells the code and pauses', async () => {
    await enablePhoneFactor(ctx(), { messageTypes: ['sms', 'voice'], testNumbers: [{ phone_number: JP_MOBILE, code: '246810' }] });
    const actors = await mfaActors(ctx());
    const mfaToken = await passwordForMfaToken(ctx(), actors);
    const sentBefore = (await ctx().services.guardian.settings(ctx().tenant)).builtinMessagesSent;

    const associate = await mfaApi(ctx(), 'POST', '/mfa/associate', {
      bearer: mfaToken,
      payload: { authenticator_types: ['oob'], oob_channels: ['voice'], phone_number: JP_MOBILE },
    });
    expect(associate.statusCode).toBe(200);
    expect(associate.json()).toMatchObject({ authenticator_type: 'oob', binding_method: 'prompt', oob_channel: 'voice' });
    const [script] = await inbox(ctx(), JP_MOBILE);
    expect(script).toMatchObject({ channel: 'voice', purpose: 'enrollment' });
    expect(script!.body).toContain('2.4.6.8.1.0');
    expect(script!.body).toContain('[pause]');

    // sms and voice authenticators exist together for the one number
    const listed = (await mfaApi(ctx(), 'GET', '/mfa/authenticators', { bearer: mfaToken })).json() as Array<{ id: string; oob_channel?: string }>;
    const device = listed.find((a) => a.oob_channel === 'voice')!.id.split('|')[1];
    expect(listed.filter((a) => a.oob_channel).map((a) => a.id).sort()).toEqual([`sms|${device}`, `voice|${device}`]);

    const confirmed = await oobExchange(ctx(), actors.clientAuth, mfaToken, associate.json().oob_code, '246810');
    expect(confirmed.statusCode).toBe(200);

    const nextToken = await passwordForMfaToken(ctx(), actors);
    const challenge = await mfaApi(ctx(), 'POST', '/mfa/challenge', {
      payload: { ...actors.clientAuth, challenge_type: 'oob', authenticator_id: `voice|${device}`, mfa_token: nextToken },
    });
    expect(challenge.statusCode).toBe(200);
    const [call] = await inbox(ctx(), JP_MOBILE);
    expect(call).toMatchObject({ channel: 'voice', purpose: 'verification' });
    const done = await oobExchange(ctx(), actors.clientAuth, nextToken, challenge.json().oob_code, '246810');
    expect(done.statusCode).toBe(200);
    expect(await logsOf(ctx(), 'gd_send_voice')).toHaveLength(2);
    // a test number never reaches a provider and does not count against the built-in cap
    expect((await ctx().services.guardian.settings(ctx().tenant)).builtinMessagesSent).toBe(sentBefore);
  });

  it('voice to a real number with the built-in provider is refused clearly, writing nothing', async () => {
    await enablePhoneFactor(ctx(), { messageTypes: ['sms', 'voice'] });
    const actors = await mfaActors(ctx());
    const mfaToken = await passwordForMfaToken(ctx(), actors);
    const before = (await inbox(ctx())).length;
    const response = await mfaApi(ctx(), 'POST', '/mfa/associate', {
      bearer: mfaToken,
      payload: { authenticator_types: ['oob'], oob_channels: ['voice'], phone_number: US_MOBILE },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error: 'invalid_request',
      error_description: 'The built-in phone provider cannot place voice calls: the tenant must select twilio or phone-message-hook for voice.',
    });
    expect(await ctx().services.authenticators.listForUser(ctx().tenant, actors.user.user_id)).toEqual([]);
    expect((await inbox(ctx())).length).toBe(before);
  });
});

function codeOf(body: string): string {
  return /\d{6}/.exec(body)![0];
}
