import { afterEach, describe, expect, it, vi } from 'vitest';
import { createUser } from '../auth/helpers.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { ATTACKER_IP, PASSWORD, USER_IP, WRONG, configure, entriesFor, failLogins, openLoginForm, passwordClient, passwordLogin, submitLoginFrom } from './support.js';

const TEXT = {
  en: 'Your account has been blocked after multiple consecutive login attempts. Contact the administrator of Guardline to unblock it.',
  ja: 'ログインの失敗が続いたため、アカウントがブロックされました。ブロックの解除は Guardline の管理者にお問い合わせください。',
} as const;
const WRONG_TEXT = { en: 'Wrong email or password.', ja: 'メールアドレスまたはパスワードが正しくありません。' } as const;

/** The login form (/u/login) shares the password grant's counters and blocks: one protection for every surface. */
describe.each(DIALECTS)('brute-force protection on the login page (%s)', (dialect) => {
  const ctx = useTestContext(dialect);

  afterEach(async () => {
    vi.restoreAllMocks();
    await configure(ctx(), { max_attempts: 10, mode: 'count_per_identifier_and_ip' });
  });

  it.each(['en', 'ja'] as const)('blocks at max_attempts and then shows the blocked text with 429, even for the right password (%s)', async (locale) => {
    await configure(ctx(), { max_attempts: 3 });
    const client = await passwordClient(ctx());
    const user = await createUser(ctx());
    const form = await openLoginForm(ctx(), client, locale);
    for (let i = 0; i < 2; i++) {
      const wrong = await submitLoginFrom(ctx(), form, user.email, `${WRONG} ${i}`);
      expect(wrong.statusCode).toBe(400);
      expect(wrong.body).toContain(WRONG_TEXT[locale]);
    }
    const third = await submitLoginFrom(ctx(), form, user.email, WRONG);
    expect(third.statusCode).toBe(429);
    expect(third.body).toContain(`<p class="error" role="alert">${TEXT[locale]}</p>`);
    expect(third.body).toContain(`<html lang="${locale}">`);

    const verify = vi.spyOn(ctx().services.users, 'verifyPassword');
    const right = await submitLoginFrom(ctx(), form, user.email, PASSWORD);
    expect(right.statusCode).toBe(429);
    expect(right.headers.location).toBeUndefined();
    expect(right.headers['cache-control']).toBe('no-store');
    expect(right.body).toContain(TEXT[locale]);
    expect(right.body).not.toContain(PASSWORD);
    // the form is shown again with the identifier typed, so the user can see which account is blocked
    expect(right.body).toContain(`value="${user.email}"`);
    expect(verify).not.toHaveBeenCalled();
    expect(await entriesFor(ctx(), 's', user.email)).toHaveLength(0);
    const [refused] = await entriesFor(ctx(), 'limit_wc', user.email);
    expect(refused).toMatchObject({ description: 'Login refused: the account is blocked after too many failed attempts', client_id: client.client_id, ip: ATTACKER_IP });

    // another IP logs in (default mode)
    const fromHome = await submitLoginFrom(ctx(), await openLoginForm(ctx(), client, locale), user.email, PASSWORD, USER_IP);
    expect(fromHome.statusCode).toBe(302);
  });

  it('a block earned on the password grant holds on the login page, and failures on both add up', async () => {
    const client = await passwordClient(ctx());
    const user = await createUser(ctx());
    const form = await openLoginForm(ctx(), client);
    await failLogins(ctx(), client, user.email, 6);
    for (let i = 0; i < 3; i++) expect((await submitLoginFrom(ctx(), form, user.email, WRONG)).statusCode).toBe(400);
    expect((await submitLoginFrom(ctx(), form, user.email, WRONG)).statusCode).toBe(429);
    expect((await passwordLogin(ctx(), client, user.email, PASSWORD)).statusCode).toBe(429);
    expect((await submitLoginFrom(ctx(), form, user.email, PASSWORD)).statusCode).toBe(429);
  });
});
