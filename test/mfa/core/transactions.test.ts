import { describe, expect, it } from 'vitest';
import { GRANT_TYPES } from '../../../src/domain/grant-types.js';
import { ManualClock } from '../../../src/domain/clock.js';
import { tokenRequest } from '../../auth/helpers.js';
import { DIALECTS, useTestContext } from '../../support/harness.js';
import { associate, challenge, enablePhoneFactor, mfaApi } from '../support.js';
import { currentTenant, coreActors } from './support.js';

/**
 * The login transaction belongs to one surface: a login page's (`universal_login`) is no mfa_token anywhere on the
 * MFA API, and an mfa_token does not open on the pages. Refusals come back as data, in the order the core checks.
 */
describe.each(DIALECTS)('phone MFA core: login transactions (%s)', (dialect) => {
  const clock = new ManualClock(new Date());
  const ctx = useTestContext(dialect, { clock });

  it('a Universal Login transaction is refused as an unknown mfa_token by /mfa/challenge, /mfa/associate, /mfa/authenticators and both MFA grants', async () => {
    await enablePhoneFactor(ctx());
    const { token, clientAuth } = await coreActors(ctx(), 'universal_login');

    const sent = await challenge(ctx(), clientAuth, token);
    expect(sent.statusCode).toBe(403);
    expect(sent.json()).toEqual({ error: 'invalid_grant', error_description: 'Malformed mfa_token' });

    const enrol = await associate(ctx(), token);
    expect(enrol.statusCode).toBe(401);
    expect(enrol.json()).toEqual({ error: 'invalid_grant', error_description: 'Malformed mfa_token' });
    expect((await mfaApi(ctx(), 'GET', '/mfa/authenticators', { bearer: token })).statusCode).toBe(401);

    const oob = await tokenRequest(ctx(), { grant_type: GRANT_TYPES.mfaOob, ...clientAuth, mfa_token: token, oob_code: 'x', binding_code: '123456' });
    expect(oob.json()).toEqual({ error: 'invalid_grant', error_description: 'Malformed mfa_token' });
    const recovery = await tokenRequest(ctx(), { grant_type: GRANT_TYPES.mfaRecoveryCode, ...clientAuth, mfa_token: token, recovery_code: 'ABCDEFGHIJKLMNOPQRSTUVWX' });
    expect(recovery.json()).toEqual({ error: 'invalid_grant', error_description: 'Malformed mfa_token' });
  });

  it('an mfa_token does not open on the login pages; each surface opens its own', async () => {
    const { services } = ctx();
    const tenant = await currentTenant(ctx());
    const api = await coreActors(ctx(), 'password');
    expect(await services.phoneMfa.transactions.open(tenant, api.token, { surface: 'universal_login' })).toEqual({ ok: false, refusal: { code: 'transaction_not_found' } });
    expect((await services.phoneMfa.transactions.open(tenant, api.token, { surface: 'mfa_api' })).ok).toBe(true);
    const page = await coreActors(ctx(), 'universal_login');
    expect((await services.phoneMfa.transactions.open(tenant, page.token, { surface: 'universal_login' })).ok).toBe(true);
  });

  it('refusals in order: another application, a blocked user, expiry', async () => {
    const { services } = ctx();
    const tenant = await currentTenant(ctx());
    const { token, user } = await coreActors(ctx());
    const open = (clientId?: string) => services.phoneMfa.transactions.open(tenant, token, { surface: 'universal_login', ...(clientId ? { clientId } : {}) });
    expect(await open('another-client')).toEqual({ ok: false, refusal: { code: 'wrong_transaction' } });
    await services.users.update(tenant, user.user_id, { blocked: true });
    expect(await open()).toEqual({ ok: false, refusal: { code: 'user_blocked' } });
    clock.advance(10 * 60 * 1000);
    expect(await open()).toEqual({ ok: false, refusal: { code: 'transaction_expired' } });
    expect(await services.phoneMfa.transactions.open(tenant, 'no-such-token', { surface: 'universal_login' })).toEqual({ ok: false, refusal: { code: 'transaction_not_found' } });
  });
});
