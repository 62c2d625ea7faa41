import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.js';
import { DIALECTS, useTestContext } from '../../support/harness.js';
import { US_MOBILE, enablePhoneFactor, latestCode, wrongCode } from '../support.js';
import { currentTenant, coreActors, enrolmentRows } from './support.js';

/**
 * verifyCode and useRecoveryCode with a surface's commit: the commit runs in the database transaction that consumes
 * the challenge and confirms the enrolment, so a commit that fails leaves everything as it was.
 */
describe.each(DIALECTS)('phone MFA core: verification (%s)', (dialect) => {
  const clock = new ManualClock(new Date());
  const ctx = useTestContext(dialect, { clock });

  async function enrolmentStarted() {
    await enablePhoneFactor(ctx());
    const actors = await coreActors(ctx());
    const started = await ctx().services.phoneMfa.beginEnrolment(await currentTenant(ctx()), actors.transaction, actors.user, { phoneNumber: US_MOBILE, channel: 'sms', additional: false }, 'en', {});
    if (!started.ok) throw new Error(`enrolment refused: ${started.refusal.code}`);
    return { ...actors, started: started.value, code: await latestCode(ctx(), US_MOBILE) };
  }

  it('a commit that throws leaves the challenge unconsumed, the enrolment pending and the transaction open; the next try commits', async () => {
    const { services } = ctx();
    const { transaction, user, client, started, code, token } = await enrolmentStarted();
    const tenant = await currentTenant(ctx());
    expect(started.recoveryCode).toMatch(/^[A-Z0-9]{24}$/);
    const input = { oobCode: started.oobCode, code };

    await expect(
      services.phoneMfa.verifyCode(tenant, transaction, user, client, input, {}, async () => {
        throw new Error('the surface could not write its result');
      }),
    ).rejects.toThrow('the surface could not write its result');
    expect(await enrolmentRows(ctx(), user.user_id, transaction.id)).toEqual({ pending: ['phone', 'recovery-code'], confirmed: [], challenges: [{ consumed: false, purpose: 'enrollment' }] });
    expect((await services.phoneMfa.transactions.open(tenant, token, { surface: 'universal_login' })).ok).toBe(true);

    let preparedFor: unknown;
    const verified = await services.phoneMfa.verifyCode(tenant, transaction, user, client, input, {}, {
      async prepare(info) {
        preparedFor = info;
      },
      async write(tx, info) {
        // The surface's own write, in the same transaction: here, reading what the core just confirmed.
        const rows = await tx.authenticators.listByUser(tenant.id, user.user_id);
        return { value: { sawConfirmed: rows.filter((a) => a.status === 'confirmed').length, info }, events: [{ type: 's', userId: user.user_id }] };
      },
    });
    expect(verified).toEqual({
      ok: true,
      value: { enrolled: true, authenticatorId: started.authenticatorId, channel: 'sms', result: { sawConfirmed: 2, info: { enrolled: true, authenticatorId: started.authenticatorId, channel: 'sms' } } },
    });
    expect(preparedFor).toEqual({ enrolled: true, authenticatorId: started.authenticatorId, channel: 'sms' });
    expect(await enrolmentRows(ctx(), user.user_id, transaction.id)).toEqual({ pending: [], confirmed: ['phone', 'recovery-code'], challenges: [{ consumed: true, purpose: 'enrollment' }] });
    // The transaction is finished once: the same login cannot verify again.
    expect(await services.phoneMfa.transactions.open(tenant, token, { surface: 'universal_login' })).toEqual({ ok: false, refusal: { code: 'transaction_used' } });
  });

  it('refusals as data: a wrong code, an unknown oob_code, an expired code; none consumes the challenge', async () => {
    const { services } = ctx();
    const { transaction, user, client, started, code } = await enrolmentStarted();
    const tenant = await currentTenant(ctx());
    const commit = async () => ({ value: 'committed' });
    const verify = (input: { oobCode: string; code: string }) => services.phoneMfa.verifyCode(tenant, transaction, user, client, input, {}, commit);

    expect(await verify({ oobCode: started.oobCode, code: wrongCode(code) })).toEqual({ ok: false, refusal: { code: 'invalid_code' } });
    expect(await verify({ oobCode: 'not-an-oob-code', code })).toEqual({ ok: false, refusal: { code: 'invalid_challenge' } });
    clock.advance(5 * 60 * 1000 + 1);
    expect(await verify({ oobCode: started.oobCode, code })).toEqual({ ok: false, refusal: { code: 'code_expired' } });
    expect((await enrolmentRows(ctx(), user.user_id, transaction.id)).challenges).toEqual([{ consumed: false, purpose: 'enrollment' }]);
  });

  it('too many wrong codes: too_many_failures with when to retry', async () => {
    const { services } = ctx();
    const { transaction, user, client, started, code } = await enrolmentStarted();
    const tenant = await currentTenant(ctx());
    const verify = () => services.phoneMfa.verifyCode(tenant, transaction, user, client, { oobCode: started.oobCode, code: wrongCode(code) }, {}, async () => ({ value: undefined }));
    for (let i = 0; i < 10; i++) expect(await verify()).toEqual({ ok: false, refusal: { code: 'invalid_code' } });
    const locked = await verify();
    expect(locked.ok).toBe(false);
    if (locked.ok) return;
    expect(locked.refusal.code).toBe('too_many_failures');
    expect(locked.refusal).toMatchObject({ retryAfterMs: expect.any(Number) });
  });

  it('a recovery code: a commit that throws keeps it usable; the next try uses it up and returns the next one', async () => {
    const { services } = ctx();
    const first = await enrolmentStarted();
    const tenant = await currentTenant(ctx());
    const confirmed = await services.phoneMfa.verifyCode(tenant, first.transaction, first.user, first.client, { oobCode: first.started.oobCode, code: first.code }, {}, async () => ({ value: undefined }));
    expect(confirmed.ok).toBe(true);
    const token = await services.phoneMfa.transactions.start(tenant, first.client, first.user, { scope: [], audience: null }, 'universal_login', {});
    const opened = await services.phoneMfa.transactions.open(tenant, token, { surface: 'universal_login' });
    if (!opened.ok) throw new Error(opened.refusal.code);
    const use = (recoveryCode: string, write: () => Promise<{ value: string }>) =>
      services.phoneMfa.useRecoveryCode(tenant, opened.value.transaction, first.user, first.client, { recoveryCode }, {}, write);

    expect(await use('ABCDEFGHJKLMNPQRSTUVWXYZ', async () => ({ value: 'x' }))).toEqual({ ok: false, refusal: { code: 'invalid_recovery_code' } });
    await expect(use(first.started.recoveryCode!, async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    const used = await use(first.started.recoveryCode!, async () => ({ value: 'done' }));
    expect(used.ok).toBe(true);
    if (!used.ok) return;
    expect(used.value.result).toBe('done');
    expect(used.value.recoveryCode).toMatch(/^[A-Z0-9]{24}$/);
    expect(used.value.recoveryCode).not.toBe(first.started.recoveryCode);
  });
});
