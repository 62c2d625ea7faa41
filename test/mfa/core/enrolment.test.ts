import { describe, expect, it } from 'vitest';
import { DIALECTS, useTestContext } from '../../support/harness.js';
import { US_MOBILE, enablePhoneFactor, inbox } from '../support.js';
import { coreActors, currentTenant, enrolmentRows } from './support.js';

/** beginEnrolment and sendChallenge: refusals as data, and a refused send that leaves nothing behind. */
describe.each(DIALECTS)('phone MFA core: enrolment and challenge (%s)', (dialect) => {
  const ctx = useTestContext(dialect);
  const request = (phoneNumber: string | undefined, channel: 'sms' | 'voice' = 'sms') => ({ phoneNumber, channel, additional: false });

  it('a refused send undoes the pending enrolment: no phone, no recovery code, no challenge', async () => {
    const { services } = ctx();
    await enablePhoneFactor(ctx());
    // A tenant on its own chain with no provider configured: every send is refused before a provider.
    await services.guardian.setProvider(ctx().tenant, 'twilio', {});
    const tenant = await currentTenant(ctx());
    const { transaction, user } = await coreActors(ctx());
    const started = await services.phoneMfa.beginEnrolment(tenant, transaction, user, request(US_MOBILE), 'en', {});
    expect(started).toEqual({ ok: false, refusal: { code: 'send_failed', channel: 'sms', permanent: false } });
    expect(await enrolmentRows(ctx(), user.user_id, transaction.id)).toEqual({ pending: [], confirmed: [], challenges: [] });
  });

  it('refusals as data: factor off, number missing or malformed, channel off, already enrolled', async () => {
    const { services } = ctx();
    const { transaction, user, client } = await coreActors(ctx());
    // The context is shared by the tests of this file: start from the factor off and the built-in provider.
    await services.guardian.setFactor(ctx().tenant, 'sms', false, {});
    await services.guardian.setProvider(ctx().tenant, 'auth0', {});
    let tenant = await currentTenant(ctx());
    const begin = (phone: string | undefined, channel: 'sms' | 'voice' = 'sms') => services.phoneMfa.beginEnrolment(tenant, transaction, user, request(phone, channel), 'en', {});
    expect(await begin(US_MOBILE)).toEqual({ ok: false, refusal: { code: 'factor_disabled' } });
    await enablePhoneFactor(ctx());
    tenant = await currentTenant(ctx());
    expect(await begin(undefined)).toEqual({ ok: false, refusal: { code: 'invalid_phone', problem: 'missing' } });
    expect(await begin('+1 415 555 2671')).toEqual({ ok: false, refusal: { code: 'invalid_phone', problem: 'not_e164' } });
    expect(await begin(US_MOBILE, 'voice')).toEqual({ ok: false, refusal: { code: 'channel_unavailable', channel: 'voice', problem: 'message_type_disabled' } });
    expect(await inbox(ctx(), US_MOBILE)).toHaveLength(0);

    const state = await services.phoneMfa.state(tenant, user.user_id);
    expect(state).toEqual({ channels: ['sms'], recoveryCode: { enabled: true, enrolled: false } });

    const started = await begin(US_MOBILE);
    expect(started.ok).toBe(true);
    // A challenge needs a confirmed phone: a pending one is not enrolled yet.
    expect(await services.phoneMfa.confirmedPhones(tenant, user.user_id)).toEqual({ ok: false, refusal: { code: 'not_enrolled' } });
    expect(await services.phoneMfa.sendChallenge(tenant, transaction, user, client, { authenticator: started.ok ? started.value.authenticatorId : '' }, 'en', {})).toEqual({
      ok: false,
      refusal: { code: 'not_enrolled' },
    });
  });

  it('the built-in provider cannot call: voice is unavailable for a real number, and the state offers SMS only', async () => {
    const { services } = ctx();
    await enablePhoneFactor(ctx(), { messageTypes: ['sms', 'voice'] });
    await services.guardian.setProvider(ctx().tenant, 'auth0', {});
    const tenant = await currentTenant(ctx());
    const { transaction, user } = await coreActors(ctx());
    expect(await services.phoneMfa.beginEnrolment(tenant, transaction, user, request(US_MOBILE, 'voice'), 'en', {})).toEqual({
      ok: false,
      refusal: { code: 'channel_unavailable', channel: 'voice', problem: 'provider_cannot_call' },
    });
    expect((await services.phoneMfa.state(tenant, user.user_id)).channels).toEqual(['sms']);
  });
});
