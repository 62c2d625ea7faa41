import { decodeJwt } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { translate } from '../../src/i18n/catalogue.js';
import { CALLBACK, logsOf, tokenRequest } from '../auth/helpers.js';
import { JP_MOBILE, US_MOBILE, enablePhoneFactor, inbox } from '../mfa/support.js';
import { DIALECTS, useTestContext, type TestContext } from '../support/harness.js';
import { FAKE_API_KEY, fakeSmsProvider, startFakeSmsApi } from '../support/fakes/fake-sms-provider.js';
import type { PhoneMessageType } from '../../src/services/guardian.js';
import { codeIn } from '../mfa/support.js';
import { FormBrowser, callbackOf, codeFor, startLogin, submitPassword } from './support.js';

/** The built-in provider cannot call: voice goes through a loopback vendor that checks its requests like a real one. */
const VOICE_VENDOR = fakeSmsProvider('fake-voice');
const vendor = await startFakeSmsApi();
afterAll(() => vendor.close());

/** Codes to the vendor's newest message to `to`. */
const vendorCode = (to: string) => codeIn([...vendor.messages].reverse().find((m) => m.to === to)?.text ?? '');
const vendorMessagesTo = (to: string) => vendor.messages.filter((m) => m.to === to);

/** SMS and voice through the vendor (the tenant's chain), with the phone factor on. */
async function useVendor(ctx: TestContext, messageTypes: PhoneMessageType[] = ['sms', 'voice']) {
  await enablePhoneFactor(ctx, { messageTypes });
  await ctx.services.guardian.setProvider(ctx.tenant, 'twilio', {});
  const existing = await ctx.services.providerConfigs.list(ctx.tenant);
  if (!existing.some((c) => c.provider === VOICE_VENDOR.id)) {
    await ctx.services.providerConfigs.create(ctx.tenant, { provider: VOICE_VENDOR.id, configuration: { api_key: FAKE_API_KEY, from: 'Guardline' } }, {});
  }
}

/** Back to the built-in provider (the dev inbox). */
async function useBuiltin(ctx: TestContext, options: Parameters<typeof enablePhoneFactor>[1] = {}) {
  await enablePhoneFactor(ctx, options);
  await ctx.services.guardian.setProvider(ctx.tenant, 'auth0', {});
}

const en = (key: Parameters<typeof translate>[1], vars?: Record<string, string>) => translate('en', key, vars);
const DAY = 24 * 60 * 60 * 1000;

/** Exchanges the callback's code for tokens, as the application would. */
async function exchange(ctx: TestContext, client: { client_id: string; client_secret?: string | undefined }, callback: URL, verifier: string) {
  const response = await tokenRequest(ctx, { grant_type: 'authorization_code', client_id: client.client_id, ...(client.client_secret ? { client_secret: client.client_secret } : {}), code: callback.searchParams.get('code')!, redirect_uri: CALLBACK, code_verifier: verifier });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { id_token: string; access_token: string };
}

/** The recovery code a screen shows (grouped in spans for reading). */
const recoveryCodeOn = (html: string) => /<p class="code"[^>]*>([\s\S]*?)<\/p>/.exec(html)?.[1]?.replace(/<[^>]+>|\s/g, '');

/** Enrols `phone` by SMS through the pages, up to (and through) the recovery-code screen; returns the recovery code. */
async function enrolBySms(ctx: TestContext, browser: FormBrowser, phone = { country: 'JP', national: '090-1234-5678', e164: JP_MOBILE }) {
  expect(browser.screen).toBe('mfa-sms-enrollment');
  await browser.submit({ country_code: phone.country, phone: phone.national });
  expect(browser.screen).toBe('mfa-sms-challenge');
  // Browsers apply form-action to the redirect that answers the last form: the application's origin must be in it.
  expect(String(browser.last.headers['content-security-policy'])).toContain(`form-action 'self' ${new URL(CALLBACK).origin}`);
  await browser.submit({ code: await codeFor(ctx, phone.e164) });
  expect(browser.screen).toBe('mfa-recovery-code-enrollment');
  const recoveryCode = recoveryCodeOn(browser.html);
  expect(recoveryCode).toMatch(/^[A-Z0-9]{24}$/);
  await browser.submit({ saved: 'true' });
  return recoveryCode!;
}

describe.each(DIALECTS)('Universal Login phone MFA, without JavaScript (%s)', (dialect) => {
  const clock = new ManualClock('2026-12-01T09:00:00.000Z');
  const ctx = useTestContext(dialect, { clock, providers: [VOICE_VENDOR], providerBaseUrls: { [VOICE_VENDOR.baseUrlSetting]: vendor.url } });

  it('enrols by SMS (country picker + national number), shows the recovery code once, and returns tokens whose amr has mfa', async () => {
    await useBuiltin(ctx());
    const { client, user, browser, verifier } = await startLogin(ctx());
    await submitPassword(browser, user.email);
    await enrolBySms(ctx(), browser);
    const callback = callbackOf(browser);
    expect(callback.searchParams.get('state')).toBe('app-state');
    const tokens = await exchange(ctx(), client, callback, verifier);
    expect(decodeJwt(tokens.id_token).amr).toContain('mfa');
    expect((await logsOf(ctx(), 'gd_enrollment_complete')).some((e) => e.user_id === user.user_id)).toBe(true);
    expect((await logsOf(ctx(), 's')).some((e) => e.user_id === user.user_id)).toBe(true);
    // The number reached the inbox in E.164; the pages never show it in full.
    expect((await inbox(ctx(), JP_MOBILE)).length).toBeGreaterThan(0);
  });

  it('offers the channel when both are enabled, and a voice-only tenant enrols by a call', async () => {
    await useVendor(ctx());
    const both = await startLogin(ctx());
    await submitPassword(both.browser, both.user.email);
    expect(both.browser.screen).toBe('mfa-phone-enrollment');
    expect(both.browser.html).toContain(en('mfa.enroll.channel'));
    await both.browser.submit({ country_code: 'US', phone: '(415) 555-2671', type: 'voice' });
    expect(both.browser.screen).toBe('mfa-voice-challenge');
    expect(vendorMessagesTo(US_MOBILE).at(-1)?.channel).toBe('voice');
    await both.browser.submit({ code: vendorCode(US_MOBILE) });
    expect(both.browser.screen).toBe('mfa-recovery-code-enrollment');

    await useVendor(ctx(), ['voice']);
    const voice = await startLogin(ctx());
    await submitPassword(voice.browser, voice.user.email);
    expect(voice.browser.screen).toBe('mfa-voice-enrollment');
    await voice.browser.submit({ country_code: 'US', phone: '+1 415 555 2671' });
    expect(voice.browser.screen).toBe('mfa-voice-challenge');
    await voice.browser.submit({ code: vendorCode(US_MOBILE) });
    expect(voice.browser.screen).toBe('mfa-recovery-code-enrollment');
  });

  it('with only the built-in provider (no voice), enrolment asks for SMS without offering a call', async () => {
    await useBuiltin(ctx(), { messageTypes: ['sms', 'voice'] });
    const { user, browser } = await startLogin(ctx());
    await submitPassword(browser, user.email);
    expect(browser.screen).toBe('mfa-sms-enrollment');
    await browser.submit({ country_code: 'JP', phone: '090-1234-5678' });
    expect(browser.screen).toBe('mfa-sms-challenge');
    expect(browser.html).not.toContain(en('mfa.switch.voice'));
  });

  it('shows the tenant’s prompt custom text (Auth0’s keys) in the page’s language, escaped, and the catalogue elsewhere', async () => {
    await useBuiltin(ctx());
    await ctx().services.promptTexts.set(ctx().tenant, 'mfa-sms', 'en', { 'mfa-sms-enrollment': { title: 'Protect <your> account' }, 'mfa-sms-challenge': { title: 'Check your phone', buttonText: 'Verify now', unknownKey: 'ignored' } });
    await ctx().services.promptTexts.set(ctx().tenant, 'mfa-sms', 'ja', { 'mfa-sms-challenge': { title: '本人確認' } });
    try {
      const { user, browser } = await startLogin(ctx());
      await submitPassword(browser, user.email);
      expect(browser.screen).toBe('mfa-sms-enrollment');
      expect(browser.html).toContain('<h1>Protect &lt;your&gt; account</h1>');
      await browser.submit({ country_code: 'JP', phone: '090-1234-5678' });
      expect(browser.screen).toBe('mfa-sms-challenge');
      expect(browser.html).toContain('<h1>Check your phone</h1>');
      expect(browser.html).toContain('Verify now');
      expect(browser.html).not.toContain(en('mfa.title.verify'));
      expect(browser.html).toContain(en('mfa.challenge.sent.sms'));
      expect(browser.html).not.toContain('本人確認');
    } finally {
      await ctx().services.promptTexts.set(ctx().tenant, 'mfa-sms', 'en', {});
      await ctx().services.promptTexts.set(ctx().tenant, 'mfa-sms', 'ja', {});
    }
  });

  it('refuses a number the country does not assign, on the same screen, with the error tied to the field', async () => {
    await useBuiltin(ctx());
    const { user, browser } = await startLogin(ctx());
    await submitPassword(browser, user.email);
    const response = await browser.submit({ country_code: 'JP', phone: '12' });
    expect(response.statusCode).toBe(400);
    expect(browser.screen).toBe('mfa-sms-enrollment');
    expect(browser.html).toContain(en('mfa.error.invalid-phone'));
    expect(browser.html).toMatch(/aria-describedby="[^"]*phone-error/);
  });

  it('challenges an enrolled user: wrong code, then the right one; the code screen has resend with a countdown', async () => {
    await useBuiltin(ctx());
    const first = await startLogin(ctx());
    await submitPassword(first.browser, first.user.email);
    await enrolBySms(ctx(), first.browser);

    const { client, browser, verifier } = await startLogin(ctx(), { user: first.user });
    await submitPassword(browser, first.user.email);
    expect(browser.screen).toBe('mfa-sms-challenge');
    expect(browser.html).toContain('XXXXXXXX5678');
    expect(browser.html).not.toContain('9012345678');
    expect(browser.html).toMatch(/autocomplete="one-time-code"/);
    const wrong = await browser.submit({ code: '000000' === (await codeFor(ctx(), JP_MOBILE)) ? '111111' : '000000' });
    expect(wrong.statusCode).toBe(400);
    expect(browser.html).toContain(en('mfa.error.invalid-code'));
    await browser.submit({ code: await codeFor(ctx(), JP_MOBILE) });
    const tokens = await exchange(ctx(), client, callbackOf(browser), verifier);
    expect(decodeJwt(tokens.id_token).amr).toContain('mfa');
  });

  it('waits out the resend countdown before sending again, then the new code works and the old one does not', async () => {
    await useVendor(ctx());
    const phone = { country: 'US', national: '415 555 2671', e164: US_MOBILE };
    const first = await startLogin(ctx());
    await submitPassword(first.browser, first.user.email);
    expect(first.browser.screen).toBe('mfa-phone-enrollment');
    await first.browser.submit({ country_code: phone.country, phone: phone.national, type: 'sms' });
    expect(first.browser.screen).toBe('mfa-sms-challenge');
    const sent = vendorMessagesTo(US_MOBILE).length;

    const early = await first.browser.submit({ action: 'resend-code' });
    expect(early.statusCode).toBe(429);
    expect(Number(early.headers['retry-after'])).toBeGreaterThan(0);
    expect(vendorMessagesTo(US_MOBILE).length).toBe(sent);

    const oldCode = vendorCode(US_MOBILE);
    clock.advance(21_000);
    await first.browser.submit({ action: 'resend-code' });
    expect(first.browser.screen).toBe('mfa-sms-challenge');
    expect(vendorMessagesTo(US_MOBILE).length).toBe(sent + 1);
    const newCode = vendorCode(US_MOBILE);
    if (newCode !== oldCode) {
      const stale = await first.browser.submit({ code: oldCode });
      expect(stale.statusCode).toBe(400);
    }
    await first.browser.submit({ code: newCode });
    expect(first.browser.screen).toBe('mfa-recovery-code-enrollment');
  });

  it('switches from a text to a call ("or get a call") and accepts the code read out', async () => {
    await useVendor(ctx());
    const first = await startLogin(ctx());
    await submitPassword(first.browser, first.user.email);
    await first.browser.submit({ country_code: 'JP', phone: '090-1234-5678', type: 'sms' });
    expect(first.browser.html).toContain(en('mfa.switch.voice'));
    clock.advance(21_000);
    await first.browser.submit({ action: 'switch-to-voice' });
    expect(first.browser.screen).toBe('mfa-voice-challenge');
    expect(vendorMessagesTo(JP_MOBILE).at(-1)?.channel).toBe('voice');
    await first.browser.submit({ code: vendorCode(JP_MOBILE) });
    expect(first.browser.screen).toBe('mfa-recovery-code-enrollment');
  });

  it('stops after too many wrong codes with too-many-failures (429)', async () => {
    await useBuiltin(ctx());
    const { user, browser } = await startLogin(ctx());
    await submitPassword(browser, user.email);
    await browser.submit({ country_code: 'JP', phone: '09012345678' });
    const right = await codeFor(ctx(), JP_MOBILE);
    const wrong = right === '999999' ? '888888' : '999999';
    let last = browser.last;
    for (let i = 0; i < 11; i++) last = await browser.submit({ code: wrong }, 'mfa-sms-challenge');
    expect(last.statusCode).toBe(429);
    expect(browser.html).toContain(en('mfa.error.too-many-failures'));
    const refused = await browser.submit({ code: right }, 'mfa-sms-challenge');
    expect(refused.statusCode).toBe(429);
  });

  it('logs in with the recovery code ("Try another method") and shows the next recovery code', async () => {
    await useBuiltin(ctx());
    const first = await startLogin(ctx());
    await submitPassword(first.browser, first.user.email);
    const recoveryCode = await enrolBySms(ctx(), first.browser);

    const { client, browser, verifier } = await startLogin(ctx(), { user: first.user });
    await submitPassword(browser, first.user.email);
    expect(browser.html).toContain(en('mfa.try_another'));
    await browser.submit({ action: 'pick-authenticator' }, 'mfa-sms-challenge');
    expect(browser.screen).toBe('mfa-login-options');
    await browser.submit({ action: 'selection-action::recovery-code' });
    expect(browser.screen).toBe('mfa-recovery-code-challenge');
    const wrong = await browser.submit({ recovery_code: 'A'.repeat(24) });
    expect(wrong.statusCode).toBe(400);
    expect(browser.html).toContain(en('mfa.error.invalid-recovery-code'));
    await browser.submit({ recovery_code: recoveryCode });
    expect(browser.screen).toBe('mfa-recovery-code-enrollment');
    expect(browser.html).not.toContain(recoveryCode);
    const unconfirmed = await browser.submit({});
    expect(unconfirmed.statusCode).toBe(400);
    await browser.submit({ saved: 'true' });
    await exchange(ctx(), client, callbackOf(browser), verifier);
    expect((await logsOf(ctx(), 'gd_recovery_succeed')).some((e) => e.user_id === first.user.user_id)).toBe(true);
  });

  it('remembers the browser for 30 days, forgets it after 7 idle days, and never when the tenant turns it off', async () => {
    await useBuiltin(ctx());
    const browser = new FormBrowser(ctx());
    const first = await startLogin(ctx(), { browser });
    await submitPassword(browser, first.user.email);
    await enrolBySms(ctx(), browser);
    const user = first.user;

    // Second login: the code screen offers the checkbox; ticking it remembers this browser.
    await startLogin(ctx(), { browser, user, prompt: 'login' });
    await submitPassword(browser, user.email);
    expect(browser.html).toContain(en('mfa.challenge.remember'));
    await browser.submit({ code: await codeFor(ctx(), JP_MOBILE), rememberBrowser: 'true' });
    callbackOf(browser);

    const sentBefore = (await inbox(ctx(), JP_MOBILE)).length;
    clock.advance(6 * DAY);
    const skipped = await startLogin(ctx(), { browser, user, prompt: 'login' });
    await submitPassword(browser, user.email);
    expect(browser.leftTo.at(-1)?.searchParams.get('code')).toBeTruthy();
    const tokens = await exchange(ctx(), skipped.client, callbackOf(browser), skipped.verifier);
    expect(decodeJwt(tokens.id_token).amr).toContain('mfa');
    expect((await inbox(ctx(), JP_MOBILE)).length).toBe(sentBefore);

    // Another browser of the same user is asked.
    const other = await startLogin(ctx(), { user });
    await submitPassword(other.browser, user.email);
    expect(other.browser.screen).toBe('mfa-sms-challenge');

    // Seven days without a login from the remembered browser: asked again.
    clock.advance(7 * DAY);
    await startLogin(ctx(), { browser, user, prompt: 'login' });
    await submitPassword(browser, user.email);
    expect(browser.screen).toBe('mfa-sms-challenge');
    clock.advance(21_000);

    // The tenant turns the checkbox off: not offered, and a remembered browser is asked anyway.
    await browser.submit({ code: await codeFor(ctx(), JP_MOBILE), rememberBrowser: 'true' });
    await ctx().services.loginSettings.update(ctx().tenant, { rememberBrowser: false });
    await startLogin(ctx(), { browser, user, prompt: 'login' });
    await submitPassword(browser, user.email);
    expect(browser.screen).toBe('mfa-sms-challenge');
    expect(browser.html).not.toContain(en('mfa.challenge.remember'));
    await ctx().services.loginSettings.update(ctx().tenant, { rememberBrowser: true });
  });

  it('opens an enrolment ticket once, for its user, and ends on the result page', async () => {
    await useBuiltin(ctx());
    const { user } = await startLogin(ctx());
    const ticket = await ctx().services.enrollmentTickets.create(ctx().tenant, { userId: user.user_id });
    const path = new URL(ticket.ticket_url).pathname + new URL(ticket.ticket_url).search;
    const browser = new FormBrowser(ctx(), { 'accept-language': 'ja' });
    await browser.request('GET', path);
    expect(browser.screen).toBe('mfa-sms-enrollment');
    expect(browser.html).toContain('lang="ja"');
    await browser.submit({ country_code: 'JP', phone: '090-1234-5678' });
    await browser.submit({ code: await codeFor(ctx(), JP_MOBILE) });
    expect(browser.screen).toBe('mfa-recovery-code-enrollment');
    await browser.submit({ saved: 'true' });
    expect(browser.last.statusCode).toBe(200);
    expect(browser.html).toContain(translate('ja', 'mfa.result.title'));
    expect(browser.leftTo).toHaveLength(0);
    const enrolled = await ctx().services.deps.store.authenticators.listByUser(ctx().tenant.id, user.user_id);
    expect(enrolled.filter((a) => a.status === 'confirmed').map((a) => a.type).sort()).toEqual(['phone', 'recovery-code']);

    const again = new FormBrowser(ctx());
    const reopened = await again.request('GET', path);
    expect(reopened.statusCode).toBe(410);
    expect(again.html).toContain(en('mfa.ticket.used', { tenant: ctx().tenant.friendlyName }));
  });

  it('speaks Japanese from ui_locales on every screen', async () => {
    await useBuiltin(ctx());
    const { user, browser } = await startLogin(ctx(), { locale: 'ja' });
    await submitPassword(browser, user.email);
    expect(browser.html).toContain('lang="ja"');
    expect(browser.html).toContain(translate('ja', 'mfa.title.enroll'));
    await browser.submit({ country_code: 'JP', phone: '1' });
    expect(browser.html).toContain(translate('ja', 'mfa.error.invalid-phone'));
  });

  it('refuses a form without its CSRF token, from another browser, or replayed after the login completed', async () => {
    await useBuiltin(ctx());
    const { user, browser } = await startLogin(ctx());
    await submitPassword(browser, user.email);
    const form = browser.hidden();
    const { state } = form;
    const sentBefore = (await inbox(ctx(), JP_MOBILE)).length;
    const noCsrf = await browser.request('POST', '/u/mfa-sms-enrollment', { state: state!, country_code: 'JP', phone: '09012345678' });
    expect(noCsrf.statusCode).toBe(403);
    const stranger = new FormBrowser(ctx());
    const foreign = await stranger.request('POST', '/u/mfa-sms-enrollment', { ...form, country_code: 'JP', phone: '09012345678' });
    expect(foreign.statusCode).toBe(403);
    expect(await inbox(ctx(), JP_MOBILE)).toHaveLength(sentBefore);

    await browser.request('GET', `/u/mfa-sms-enrollment?state=${encodeURIComponent(state!)}`);
    await browser.submit({ country_code: 'JP', phone: '09012345678' });
    await browser.submit({ code: await codeFor(ctx(), JP_MOBILE) });
    const confirmForm = browser.hidden();
    await browser.submit({ saved: 'true' });
    const issued = browser.leftTo.length;
    const replay = await browser.request('POST', '/u/mfa-recovery-code-enrollment', { ...confirmForm, saved: 'true' });
    expect(replay.statusCode).toBe(400);
    expect(browser.leftTo).toHaveLength(issued);
  });
});
