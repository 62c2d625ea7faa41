import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import type { Dialect } from '../../src/store/database.js';
import { useTestContext, type TestContext } from '../support/harness.js';
import { JP_MOBILE, enablePhoneFactor, enrollPhone, inbox, latestCode, mfaActors, mfaApi, oobExchange, passwordForMfaToken } from './support.js';

/**
 * The phone factor's limits as a user meets them (reference §2 "OTP limits", §6), on every database and both
 * limiter back ends: sends (burst 10, 1 per hour per user), wrong codes (burst 10, 1 per 6 minutes per user,
 * across resends) and mfa-oob exchanges (12 per minute per MFA transaction). Time moves only by the test's clock.
 */

const HOUR = 3_600_000;
const SIX_MINUTES = 360_000;
const TOO_MANY_SMS = { error: 'invalid_request', error_description: 'Too many SMS sent by the user. Wait for some minutes before retrying.' };
const TOO_MANY_CALLS = { error: 'invalid_request', error_description: 'Too many voice calls made to the user. Wait for some minutes before retrying.' };
const TOO_MANY_FAILURES = { error: 'invalid_request', error_description: 'Too many failed codes. Wait for some minutes before retrying.' };
const WRONG_CODE = { error: 'invalid_grant', error_description: 'Invalid binding_code.' };
const TOO_MANY_EXCHANGES = { error: 'too_many_attempts', error_description: 'Too many token requests for this MFA transaction. Wait a minute before retrying.' };

type Actors = Awaited<ReturnType<typeof mfaActors>>;

let numberCounter = 0;
/** A different valid US number for every user, so each user's messages are told apart in the inbox. */
const nextNumber = () => `+1415555${2600 + (numberCounter++ % 100)}`;
const wrong = (code: string) => (code === '000000' ? '111111' : '000000');

function challenge(ctx: TestContext, actors: Actors, mfaToken: string, extra: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return mfaApi(ctx, 'POST', '/mfa/challenge', { payload: { ...actors.clientAuth, challenge_type: 'oob', mfa_token: mfaToken, ...extra } });
}

/** A new login for an enrolled user: mfa_token, challenge, and the code that arrived. */
async function freshChallenge(ctx: TestContext, actors: Actors, phone: string) {
  const mfaToken = await passwordForMfaToken(ctx, actors);
  const response = await challenge(ctx, actors, mfaToken);
  if (response.statusCode !== 200) throw new Error(`challenge failed: ${response.statusCode} ${response.body}`);
  return { mfaToken, oobCode: response.json().oob_code as string, code: await latestCode(ctx, phone) };
}

/** An enrolled user with a number of its own (one send used by the enrollment). */
async function enrolledUser(ctx: TestContext) {
  const actors = await mfaActors(ctx);
  const phone = nextNumber();
  const { smsId } = await enrollPhone(ctx, actors, phone);
  return { actors, phone, smsId };
}

async function challengeRows(ctx: TestContext): Promise<number> {
  const row = await ctx.handle.db.selectFrom('mfa_challenges').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', ctx.tenant.id).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The entries of `type` that concern these actors (their user or their application), newest first. */
async function logsFor(ctx: TestContext, type: string, actors: Actors) {
  const { logs } = await ctx.services.events.list(ctx.tenant.id, { types: [type] }, { offset: 0, limit: 1000, order: 'desc' }, false);
  return logs.filter((l) => l.user_id === actors.user.user_id || l.client_id === actors.client.client_id);
}

const statuses = (responses: LightMyRequestResponse[]) => responses.map((r) => r.statusCode);
const count = <T>(items: T[], predicate: (item: T) => boolean) => items.filter(predicate).length;

/** Both databases and the production back ends: each database's own buckets, and Redis. */
const BACKENDS: Array<[Dialect, 'sql' | 'redis']> = [
  ['sqlite', 'sql'],
  ['postgres', 'sql'],
  ['postgres', 'redis'],
];

describe.each(BACKENDS)('phone factor limits (%s, %s limiter)', (dialect, limiterKind) => {
  const clock = new ManualClock('2026-03-02T09:00:00.000Z');
  const ctx = useTestContext(dialect, { clock, limiter: limiterKind });

  describe('sends: 10 per user, then one per hour', () => {
    it('an enrolled user gets 10 codes (associate and challenge), the 11th is refused with limit_phone, one more after an hour', async () => {
      await enablePhoneFactor(ctx());
      const actors = await mfaActors(ctx());
      const phone = nextNumber();
      const mfaToken = await passwordForMfaToken(ctx(), actors);

      // 1–2: two associations (the second replaces the unconfirmed first), then the second is confirmed
      const associate = () => mfaApi(ctx(), 'POST', '/mfa/associate', { bearer: mfaToken, payload: { authenticator_types: ['oob'], oob_channels: ['sms'], phone_number: phone } });
      expect((await associate()).statusCode).toBe(200);
      const second = await associate();
      expect(second.statusCode).toBe(200);
      expect((await oobExchange(ctx(), actors.clientAuth, mfaToken, second.json().oob_code, await latestCode(ctx(), phone))).statusCode).toBe(200);

      // 3–10: challenges, with and without authenticator_id, on two logins
      const login = await passwordForMfaToken(ctx(), actors);
      const smsId = ((await mfaApi(ctx(), 'GET', '/mfa/authenticators', { bearer: login })).json() as Array<{ id: string }>).find((a) => a.id.startsWith('sms|'))!.id;
      const relogin = await passwordForMfaToken(ctx(), actors);
      for (let i = 0; i < 8; i++) {
        const response = await challenge(ctx(), actors, i % 2 ? login : relogin, i % 3 ? { authenticator_id: smsId } : {});
        expect(response.statusCode, response.body).toBe(200);
      }
      expect(await inbox(ctx(), phone)).toHaveLength(10);
      expect(await logsFor(ctx(), 'limit_phone', actors)).toHaveLength(0);

      // 11: refused, nothing sent, no challenge written
      const rowsBefore = await challengeRows(ctx());
      const refused = await challenge(ctx(), actors, login, { authenticator_id: smsId });
      expect(refused.statusCode).toBe(429);
      expect(refused.json()).toEqual(TOO_MANY_SMS);
      expect(refused.headers['retry-after']).toBe('3600');
      expect(await inbox(ctx(), phone)).toHaveLength(10);
      expect(await challengeRows(ctx())).toBe(rowsBefore);
      const [limit, ...others] = await logsFor(ctx(), 'limit_phone', actors);
      expect(others).toHaveLength(0);
      const now = clock.now();
      expect(limit).toMatchObject({ type: 'limit_phone', user_id: actors.user.user_id, client_id: actors.client.client_id });
      expect(limit!.details).toEqual({
        delivery_method: 'sms',
        type: 'verification',
        trigger_time: now.toISOString(),
        reset_time: new Date(now.getTime() + HOUR).toISOString(),
        authenticator: { id: expect.any(String), type: 'sms', phone_number: `XXXXXXX${phone.slice(-4)}` },
      });
      expect(JSON.stringify(limit)).not.toContain(phone.slice(1));

      // another user is not affected
      const other = await enrolledUser(ctx());
      expect((await challenge(ctx(), other.actors, await passwordForMfaToken(ctx(), other.actors))).statusCode).toBe(200);

      // one millisecond short of an hour: still refused; at the hour exactly one more
      clock.advance(HOUR - 1);
      const early = await challenge(ctx(), actors, await passwordForMfaToken(ctx(), actors));
      expect(early.statusCode).toBe(429);
      expect(early.headers['retry-after']).toBe('1');
      clock.advance(1);
      const next = await passwordForMfaToken(ctx(), actors);
      const delivered = await challenge(ctx(), actors, next);
      expect(delivered.statusCode).toBe(200);
      expect(await inbox(ctx(), phone)).toHaveLength(11);
      const after = await challenge(ctx(), actors, next);
      expect(after.statusCode).toBe(429);
      expect(after.headers['retry-after']).toBe('3600');
      expect(await inbox(ctx(), phone)).toHaveLength(11);
      expect(await logsFor(ctx(), 'limit_phone', actors)).toHaveLength(3);
    });

    // Earlier challenges are superseded only once a new code has been sent: a refused resend must not kill the code
    // the user already has.
    it('a refused resend leaves the code that did arrive usable', async () => {
      await enablePhoneFactor(ctx());
      const { actors, phone } = await enrolledUser(ctx());
      const login = await passwordForMfaToken(ctx(), actors);
      let last: LightMyRequestResponse | undefined;
      for (let i = 0; i < 9; i++) last = await challenge(ctx(), actors, login);
      expect(last!.statusCode).toBe(200);
      const code = await latestCode(ctx(), phone);
      expect((await challenge(ctx(), actors, login)).statusCode).toBe(429);
      const verified = await oobExchange(ctx(), actors.clientAuth, login, last!.json().oob_code, code);
      expect(verified.statusCode, verified.body).toBe(200);
    });

    it('an associate past the limit is refused too and leaves no pending enrollment', async () => {
      await enablePhoneFactor(ctx());
      const actors = await mfaActors(ctx());
      const phone = nextNumber();
      const mfaToken = await passwordForMfaToken(ctx(), actors);
      const associate = () => mfaApi(ctx(), 'POST', '/mfa/associate', { bearer: mfaToken, payload: { authenticator_types: ['oob'], oob_channels: ['sms'], phone_number: phone } });
      for (let i = 0; i < 10; i++) expect((await associate()).statusCode).toBe(200);
      const refused = await associate();
      expect(refused.statusCode).toBe(429);
      expect(refused.json()).toEqual(TOO_MANY_SMS);
      expect(refused.headers['retry-after']).toBe('3600');
      expect(await inbox(ctx(), phone)).toHaveLength(10);
      expect(await ctx().services.authenticators.listForUser(ctx().tenant, actors.user.user_id)).toEqual([]);
      expect((await logsFor(ctx(), 'limit_phone', actors))[0]!.details).toMatchObject({ delivery_method: 'sms', type: 'enrollment' });
    });

    it('SMS and voice share the bucket; the refusal names voice calls for a voice challenge', async () => {
      await enablePhoneFactor(ctx(), { messageTypes: ['sms', 'voice'], testNumbers: [{ phone_number: JP_MOBILE, code: '135790' }] });
      const actors = await mfaActors(ctx());
      const mfaToken = await passwordForMfaToken(ctx(), actors);
      const associate = await mfaApi(ctx(), 'POST', '/mfa/associate', { bearer: mfaToken, payload: { authenticator_types: ['oob'], oob_channels: ['voice'], phone_number: JP_MOBILE } });
      expect(associate.statusCode).toBe(200);
      expect((await oobExchange(ctx(), actors.clientAuth, mfaToken, associate.json().oob_code, '135790')).statusCode).toBe(200);
      const login = await passwordForMfaToken(ctx(), actors);
      const device = ((await mfaApi(ctx(), 'GET', '/mfa/authenticators', { bearer: login })).json() as Array<{ id: string }>).find((a) => a.id.startsWith('voice|'))!.id.split('|')[1]!;
      const sentBefore = (await inbox(ctx(), JP_MOBILE)).length;

      for (let i = 0; i < 9; i++) {
        const response = await challenge(ctx(), actors, login, { authenticator_id: `${i % 2 ? 'sms' : 'voice'}|${device}` });
        expect(response.statusCode, response.body).toBe(200);
      }
      const voice = await challenge(ctx(), actors, login, { authenticator_id: `voice|${device}` });
      expect(voice.statusCode).toBe(429);
      expect(voice.json()).toEqual(TOO_MANY_CALLS);
      expect(voice.headers['retry-after']).toBe('3600');
      const sms = await challenge(ctx(), actors, login, { authenticator_id: `sms|${device}` });
      expect(sms.statusCode).toBe(429);
      expect(sms.json()).toEqual(TOO_MANY_SMS);
      expect((await inbox(ctx(), JP_MOBILE)).length - sentBefore).toBe(9);
      const [smsLimit, voiceLimit] = await logsFor(ctx(), 'limit_phone', actors);
      expect(voiceLimit!.details).toMatchObject({ delivery_method: 'voice', type: 'verification', authenticator: { type: 'voice' } });
      expect(smsLimit!.details).toMatchObject({ delivery_method: 'sms', type: 'verification', authenticator: { type: 'sms' } });
    });
  });

  describe('wrong codes: 10 per user, then one per 6 minutes', () => {
    it('refuses the 11th attempt even with the right code; resends do not reset the budget; one more after 6 minutes', async () => {
      await enablePhoneFactor(ctx());
      const { actors, phone } = await enrolledUser(ctx());

      // 5 wrong codes on one login, 5 on a resend within a new login
      const first = await freshChallenge(ctx(), actors, phone);
      for (let i = 0; i < 5; i++) {
        const response = await oobExchange(ctx(), actors.clientAuth, first.mfaToken, first.oobCode, wrong(first.code));
        expect(response.statusCode).toBe(403);
        expect(response.json()).toEqual(WRONG_CODE);
      }
      const resend = await freshChallenge(ctx(), actors, phone);
      for (let i = 0; i < 5; i++) {
        const response = await oobExchange(ctx(), actors.clientAuth, resend.mfaToken, resend.oobCode, wrong(resend.code));
        expect(response.json()).toEqual(WRONG_CODE);
      }
      expect(await logsFor(ctx(), 'gd_auth_failed', actors)).toHaveLength(10);

      // 11th: the right code, refused while the bucket is empty
      const refused = await oobExchange(ctx(), actors.clientAuth, resend.mfaToken, resend.oobCode, resend.code);
      expect(refused.statusCode).toBe(429);
      expect(refused.json()).toEqual(TOO_MANY_FAILURES);
      expect(refused.headers['retry-after']).toBe('360');
      const [exceeded, ...more] = await logsFor(ctx(), 'gd_otp_rate_limit_exceed', actors);
      expect(more).toHaveLength(0);
      expect(exceeded).toMatchObject({ user_id: actors.user.user_id, client_id: actors.client.client_id, details: { reset_time: new Date(clock.now().getTime() + SIX_MINUTES).toISOString() } });
      expect(await logsFor(ctx(), 'gd_auth_failed', actors)).toHaveLength(10);
      expect(await logsFor(ctx(), 'gd_auth_succeed', actors)).toHaveLength(1); // the enrollment

      // a new challenge on a new login does not help
      const third = await freshChallenge(ctx(), actors, phone);
      expect((await oobExchange(ctx(), actors.clientAuth, third.mfaToken, third.oobCode, third.code)).json()).toEqual(TOO_MANY_FAILURES);

      // the recovery code shares the budget
      const recovery = await ctx().app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: { host: ctx().tenant.domain, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ grant_type: 'http://auth0.com/oauth/grant-type/mfa-recovery-code', ...actors.clientAuth, mfa_token: third.mfaToken, recovery_code: 'AAAAAAAAAAAAAAAAAAAAAAAA' }).toString(),
      });
      expect(recovery.statusCode).toBe(429);
      expect(recovery.json()).toEqual(TOO_MANY_FAILURES);

      // 6 minutes less 1 ms: still refused (the code has expired meanwhile: a new challenge)
      clock.advance(SIX_MINUTES - 1);
      const later = await freshChallenge(ctx(), actors, phone);
      const early = await oobExchange(ctx(), actors.clientAuth, later.mfaToken, later.oobCode, wrong(later.code));
      expect(early.statusCode).toBe(429);
      expect(early.headers['retry-after']).toBe('1');
      // at 6 minutes: exactly one more attempt
      clock.advance(1);
      expect((await oobExchange(ctx(), actors.clientAuth, later.mfaToken, later.oobCode, wrong(later.code))).json()).toEqual(WRONG_CODE);
      expect((await oobExchange(ctx(), actors.clientAuth, later.mfaToken, later.oobCode, later.code)).json()).toEqual(TOO_MANY_FAILURES);

      // another 6 minutes: the right code passes, and it did not spend the token it was checked with
      clock.advance(SIX_MINUTES);
      const ok = await freshChallenge(ctx(), actors, phone);
      expect((await oobExchange(ctx(), actors.clientAuth, ok.mfaToken, ok.oobCode, ok.code)).statusCode).toBe(200);
      const again = await freshChallenge(ctx(), actors, phone);
      expect((await oobExchange(ctx(), actors.clientAuth, again.mfaToken, again.oobCode, wrong(again.code))).json()).toEqual(WRONG_CODE);
      expect((await oobExchange(ctx(), actors.clientAuth, again.mfaToken, again.oobCode, again.code)).json()).toEqual(TOO_MANY_FAILURES);
      expect(await logsFor(ctx(), 'gd_otp_rate_limit_exceed', actors)).toHaveLength(5);
    });

    it('right codes do not consume the budget: 9 wrong, 1 right, then still exactly one wrong code left', async () => {
      await enablePhoneFactor(ctx());
      const { actors, phone } = await enrolledUser(ctx());
      const login = await freshChallenge(ctx(), actors, phone);
      for (let i = 0; i < 9; i++) expect((await oobExchange(ctx(), actors.clientAuth, login.mfaToken, login.oobCode, wrong(login.code))).json()).toEqual(WRONG_CODE);
      expect((await oobExchange(ctx(), actors.clientAuth, login.mfaToken, login.oobCode, login.code)).statusCode).toBe(200);

      const next = await freshChallenge(ctx(), actors, phone);
      expect((await oobExchange(ctx(), actors.clientAuth, next.mfaToken, next.oobCode, wrong(next.code))).json()).toEqual(WRONG_CODE);
      expect((await oobExchange(ctx(), actors.clientAuth, next.mfaToken, next.oobCode, next.code)).json()).toEqual(TOO_MANY_FAILURES);
    });

    it('budgets are per user', async () => {
      await enablePhoneFactor(ctx());
      const a = await enrolledUser(ctx());
      const b = await enrolledUser(ctx());
      const loginA = await freshChallenge(ctx(), a.actors, a.phone);
      for (let i = 0; i < 10; i++) await oobExchange(ctx(), a.actors.clientAuth, loginA.mfaToken, loginA.oobCode, wrong(loginA.code));
      expect((await oobExchange(ctx(), a.actors.clientAuth, loginA.mfaToken, loginA.oobCode, loginA.code)).statusCode).toBe(429);
      const loginB = await freshChallenge(ctx(), b.actors, b.phone);
      expect((await oobExchange(ctx(), b.actors.clientAuth, loginB.mfaToken, loginB.oobCode, loginB.code)).statusCode).toBe(200);
    });
  });

  describe('mfa-oob exchanges: 12 per minute per MFA transaction', () => {
    it('refuses the 13th exchange of one transaction, not another transaction of the same user; one more after 5 seconds', async () => {
      await enablePhoneFactor(ctx());
      const { actors, phone } = await enrolledUser(ctx());
      const login = await freshChallenge(ctx(), actors, phone);

      // unknown oob_codes are refused before the code is compared: they spend exchanges, not wrong-code tokens
      for (let i = 0; i < 12; i++) {
        const response = await oobExchange(ctx(), actors.clientAuth, login.mfaToken, `not-an-oob-code-${i}`, '123456');
        expect(response.statusCode).toBe(403);
        expect(response.json()).toEqual({ error: 'invalid_grant', error_description: 'Invalid oob_code.' });
      }
      const refused = await oobExchange(ctx(), actors.clientAuth, login.mfaToken, login.oobCode, login.code);
      expect(refused.statusCode).toBe(429);
      expect(refused.json()).toEqual(TOO_MANY_EXCHANGES);
      expect(refused.headers['retry-after']).toBe('5');
      expect(await logsFor(ctx(), 'feoobft', actors)).toHaveLength(13);
      expect(await logsFor(ctx(), 'gd_otp_rate_limit_exceed', actors)).toHaveLength(0);

      // the same user's other transaction has its own budget
      const other = await freshChallenge(ctx(), actors, phone);
      for (let i = 0; i < 11; i++) expect((await oobExchange(ctx(), actors.clientAuth, other.mfaToken, 'nope', '123456')).statusCode).toBe(403);
      expect((await oobExchange(ctx(), actors.clientAuth, other.mfaToken, other.oobCode, other.code)).statusCode).toBe(200);

      // 1 ms short of 5 s: refused; at 5 s one exchange, then refused again
      clock.advance(4_999);
      expect((await oobExchange(ctx(), actors.clientAuth, login.mfaToken, login.oobCode, login.code)).statusCode).toBe(429);
      clock.advance(1);
      expect((await oobExchange(ctx(), actors.clientAuth, login.mfaToken, 'nope', '123456')).statusCode).toBe(403);
      expect((await oobExchange(ctx(), actors.clientAuth, login.mfaToken, login.oobCode, login.code)).json()).toEqual(TOO_MANY_EXCHANGES);

      // after a minute the full 12 are back: the right code passes
      clock.advance(60_000);
      for (let i = 0; i < 11; i++) expect((await oobExchange(ctx(), actors.clientAuth, login.mfaToken, 'nope', '123456')).statusCode).toBe(403);
      expect((await oobExchange(ctx(), actors.clientAuth, login.mfaToken, login.oobCode, login.code)).statusCode).toBe(200);
    });
  });

  describe('concurrency', () => {
    it('50 concurrent wrong codes: exactly 10 are compared, 40 refused', async () => {
      await enablePhoneFactor(ctx());
      const { actors, phone } = await enrolledUser(ctx());
      // five logins, so the 12-per-transaction exchange limit stays out of the way
      const logins: Array<Awaited<ReturnType<typeof freshChallenge>>> = [];
      for (let i = 0; i < 5; i++) logins.push(await freshChallenge(ctx(), actors, phone));
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, i) => {
          const login = logins[i % 5]!;
          return oobExchange(ctx(), actors.clientAuth, login.mfaToken, login.oobCode, wrong(login.code));
        }),
      );
      expect(count(responses, (r) => r.statusCode === 403 && r.json().error === 'invalid_grant')).toBe(10);
      expect(count(responses, (r) => r.statusCode === 429 && r.json().error_description === TOO_MANY_FAILURES.error_description)).toBe(40);
      expect(await logsFor(ctx(), 'gd_auth_failed', actors)).toHaveLength(10);
      expect(await logsFor(ctx(), 'gd_otp_rate_limit_exceed', actors)).toHaveLength(40);
    });

    it('50 concurrent challenges: exactly 10 messages', async () => {
      await enablePhoneFactor(ctx());
      const { actors, phone } = await enrolledUser(ctx());
      clock.advance(HOUR); // the enrollment's send is back: a full bucket of 10
      const logins = [await passwordForMfaToken(ctx(), actors), await passwordForMfaToken(ctx(), actors)];
      const before = (await inbox(ctx(), phone)).length;
      const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => challenge(ctx(), actors, logins[i % 2]!)));
      expect(count(responses, (r) => r.statusCode === 200)).toBe(10);
      expect(count(responses, (r) => r.statusCode === 429 && r.json().error_description === TOO_MANY_SMS.error_description)).toBe(40);
      expect(statuses(responses).every((s) => s === 200 || s === 429)).toBe(true);
      expect((await inbox(ctx(), phone)).length - before).toBe(10);
      expect(count(await logsFor(ctx(), 'gd_send_sms', actors), (l) => l.user_id === actors.user.user_id)).toBe(11);
      expect(count(await logsFor(ctx(), 'limit_phone', actors), (l) => l.user_id === actors.user.user_id)).toBe(40);
    });
  });
});
