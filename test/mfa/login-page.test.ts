import { describe, expect, it } from 'vitest';
import { CALLBACK, PASSWORD, authorizeRequest, cookieOf, createClient, createUser, logsOf, submitLogin, loginStateOf } from '../auth/helpers.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { enablePhoneFactor } from './support.js';

/**
 * The password step of the login page when a second factor is due: it must hand over to the MFA screens
 * (test/login/ walks them), never skip the factor and issue a code.
 */
describe.each(DIALECTS)('login page when MFA is due (%s)', (dialect) => {
  const ctx = useTestContext(dialect);

  it.each(['en', 'ja'])('asks for the second factor before any code is issued (%s page)', async (locale) => {
    await enablePhoneFactor(ctx());
    const client = await createClient(ctx());
    const user = await createUser(ctx());
    const page = await authorizeRequest(ctx(), { response_type: 'code', client_id: client.client_id, redirect_uri: CALLBACK, scope: 'openid', ui_locales: locale });
    const response = await submitLogin(ctx(), { state: loginStateOf(page.body), username: user.email, password: PASSWORD }, cookieOf(page));
    expect(response.statusCode).toBe(303);
    expect(String(response.headers.location)).toMatch(/^\/u\/mfa-sms-enrollment\?state=/);
    const [required] = await logsOf(ctx(), 'mfar');
    expect(required).toMatchObject({ user_id: user.user_id, client_id: client.client_id });
    expect((await logsOf(ctx(), 's')).filter((e) => e.user_id === user.user_id)).toHaveLength(0);
  });

  it('logs in as before when the policy does not ask for MFA', async () => {
    await enablePhoneFactor(ctx(), { policies: [] });
    const client = await createClient(ctx());
    const user = await createUser(ctx());
    const page = await authorizeRequest(ctx(), { response_type: 'code', client_id: client.client_id, redirect_uri: CALLBACK, scope: 'openid' });
    const response = await submitLogin(ctx(), { state: loginStateOf(page.body), username: user.email, password: PASSWORD }, cookieOf(page));
    expect(response.statusCode).toBe(302);
    expect(new URL(String(response.headers.location)).searchParams.get('code')).toBeTruthy();
  });
});
