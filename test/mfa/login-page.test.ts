import { describe, expect, it } from 'vitest';
import { CALLBACK, PASSWORD, authorizeRequest, cookieOf, createClient, createUser, logsOf, submitLogin, transactionOf } from '../auth/helpers.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { enablePhoneFactor } from './support.js';

/**
 * Universal Login's phone screens come in a later milestone. Until then a login that needs a second factor
 * must stop at the page, never skip the factor and issue a code.
 */
describe.each(DIALECTS)('login page when MFA is due (%s)', (dialect) => {
  const ctx = useTestContext(dialect);

  it.each([
    ['en', 'this sign-in page cannot ask for one yet'],
    ['ja', 'このサインインページはまだコードの入力に対応していません'],
  ])('refuses to log in without the second factor (%s page)', async (locale, text) => {
    await enablePhoneFactor(ctx());
    const client = await createClient(ctx());
    const user = await createUser(ctx());
    const page = await authorizeRequest(ctx(), { response_type: 'code', client_id: client.client_id, redirect_uri: CALLBACK, scope: 'openid', ui_locales: locale });
    const response = await submitLogin(ctx(), { transaction: transactionOf(page.body), username: user.email, password: PASSWORD }, cookieOf(page));
    expect(response.statusCode).toBe(403);
    expect(response.headers.location).toBeUndefined();
    expect(response.body).toContain(text);
    const [failure] = await logsOf(ctx(), 'f');
    expect(failure).toMatchObject({ user_id: user.user_id, description: 'Multifactor authentication required: not available on this login page' });
    expect(await logsOf(ctx(), 's')).toHaveLength(0);
  });

  it('logs in as before when the policy does not ask for MFA', async () => {
    await enablePhoneFactor(ctx(), { policies: [] });
    const client = await createClient(ctx());
    const user = await createUser(ctx());
    const page = await authorizeRequest(ctx(), { response_type: 'code', client_id: client.client_id, redirect_uri: CALLBACK, scope: 'openid' });
    const response = await submitLogin(ctx(), { transaction: transactionOf(page.body), username: user.email, password: PASSWORD }, cookieOf(page));
    expect(response.statusCode).toBe(302);
    expect(new URL(String(response.headers.location)).searchParams.get('code')).toBeTruthy();
  });
});
