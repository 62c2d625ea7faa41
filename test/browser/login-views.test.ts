import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../src/http/login/html.js';
import type { PageBranding } from '../../src/http/login/views/index.js';
import type { Locale } from '../../src/services/tenants.js';
import { CHROMIUM_PATH } from '../support/services.js';
import { BRANDING, SCREENS } from '../http/login-views.screens.js';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ROOT = path.resolve(import.meta.dirname, '../..');
const ARTIFACTS = path.join(ROOT, 'test-artifacts/screens');
/** The screenshots the docs show (README, docs/login.md), copied from the 320 px run. */
const DOCS_SET = ['mfa-sms-challenge', 'mfa-phone-enrollment', 'mfa-recovery-code-enrollment'];
const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" width="160" height="40" viewBox="0 0 160 40"><rect width="40" height="40" rx="8" fill="#ffcc00"/><text x="52" y="27" font-family="sans-serif" font-size="20" fill="#ffffff">Acme</text></svg>`;

/**
 * The screens served as the login surface serves them (same CSP, same headers that matter), from a tiny loopback
 * server: `/screen/<name>?lang=ja`. Posts are recorded so a test can see what a form sent.
 */
describe('Universal Login screens in Chromium', () => {
  let server: Server;
  let origin: string;
  let browser: BrowserContext;
  let userDataDir: string;
  const posts: Array<{ url: string; body: string }> = [];
  const branding = (): PageBranding => ({ ...BRANDING, logoUrl: `${origin}/logo.svg` });

  beforeAll(async () => {
    server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', origin);
      if (request.method === 'POST') {
        let body = '';
        request.on('data', (chunk: Buffer) => (body += chunk.toString()));
        request.on('end', () => {
          posts.push({ url: url.pathname, body });
          response.writeHead(200, { 'content-type': 'text/plain' }).end('posted');
        });
        return;
      }
      if (url.pathname === '/logo.svg') return void response.writeHead(200, { 'content-type': 'image/svg+xml' }).end(LOGO);
      const screen = SCREENS.find((s) => url.pathname === `/screen/${s.name}`);
      if (!screen) return void response.writeHead(404).end();
      const locale = (url.searchParams.get('lang') ?? 'en') as Locale;
      const error = url.searchParams.get('error') ?? undefined;
      const html = screen.render(locale, { branding: branding(), ...(error ? { error: error as never } : {}) });
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': contentSecurityPolicy({ branding: branding() }) }).end(html);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    userDataDir = await mkdtemp(path.join(tmpdir(), 'guardline-views-'));
    browser = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
    await mkdir(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  });

  /** Opens a screen and collects what the console says about the policy and any script error. */
  async function open(name: string, locale: Locale, width: number, query = ''): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage();
    await page.setViewportSize({ width, height: 800 });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused/i.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(String(e)));
    await page.goto(`${origin}/screen/${name}?lang=${locale}${query}`);
    await page.waitForLoadState('load');
    return { page, problems };
  }

  describe.each(['ja', 'en'] as const)('%s', (locale) => {
    it.each(SCREENS.map((s) => s.name))('%s: renders under its CSP at 320 and 1280 px, without horizontal scroll', async (name) => {
      for (const width of [320, 1280]) {
        const { page, problems } = await open(name, locale, width);
        expect(await page.locator('html').getAttribute('lang')).toBe(locale);
        expect(await page.locator('h1').count()).toBe(1);
        // The theme applied (not blocked by the policy): the page background is the tenant's.
        expect(await page.evaluate('getComputedStyle(document.body).backgroundColor')).toBe('rgb(11, 31, 58)');
        expect(await page.evaluate("(() => { const img = document.querySelector('header.brand img'); return img.complete && img.naturalWidth > 0 })()")).toBe(true);
        const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
        expect(overflow, `${name} at ${width}px`).toBeLessThanOrEqual(0);
        const file = path.join(ARTIFACTS, `${name}.${locale}.${width}.png`);
        await page.screenshot({ path: file, fullPage: true });
        // The committed set under docs/screens/ changes only on purpose: GUARDLINE_UPDATE_DOC_SCREENS=1.
        if (width === 320 && DOCS_SET.includes(name) && process.env.GUARDLINE_UPDATE_DOC_SCREENS === '1') {
          await mkdir(path.join(ROOT, 'docs/screens'), { recursive: true });
          await copyFile(file, path.join(ROOT, 'docs/screens', `${name}.${locale}.png`));
        }
        expect(problems).toEqual([]);
        await page.close();
      }
    });

    it.each(SCREENS.filter((s) => s.codeInput).map((s) => s.name))('%s: the keyboard reaches the code input, then the submit button', async (name) => {
      const { page } = await open(name, locale, 320);
      const seen: string[] = [];
      // (the page functions are strings: this project compiles without the DOM library)
      const describe = () =>
        page.evaluate<string>("(() => { const e = document.activeElement; return e && e !== document.body ? e.tagName.toLowerCase() + ':' + (e.name || e.type) + ':' + e.type : 'body' })()");
      seen.push(await describe());
      for (let i = 0; i < 12 && !seen.includes('button:submit:submit'); i++) {
        await page.keyboard.press('Tab');
        seen.push(await describe());
      }
      const code = seen.indexOf('input:code:text');
      expect(code, seen.join(' → ')).toBeGreaterThanOrEqual(0);
      expect(seen.indexOf('button:submit:submit')).toBeGreaterThan(code);
      // Focus is visible: the focused button has an outline.
      expect(await page.evaluate('getComputedStyle(document.activeElement).outlineStyle')).toBe('solid');
      await page.close();
    });
  });

  it('counts the resend cooldown down and then enables the button (driven clock)', async () => {
    const page = await browser.newPage();
    await page.clock.install();
    await page.goto(`${origin}/screen/mfa-sms-challenge?lang=en`);
    const resend = page.locator('button[value="resend-code"]');
    expect(await resend.isDisabled()).toBe(true);
    await page.clock.runFor(10_000);
    expect(await page.locator('[data-seconds]').textContent()).toBe('20');
    expect(await resend.isDisabled()).toBe(true);
    await page.clock.runFor(21_000);
    expect(await resend.isDisabled()).toBe(false);
    expect(await page.locator('#resend-wait').isHidden()).toBe(true);
    await page.close();
  });

  it('reduces a pasted code to its digits', async () => {
    const { page, problems } = await open('mfa-sms-challenge', 'ja', 320);
    await page.evaluate(`(() => {
      const data = new DataTransfer();
      data.setData('text', 'コード: 123 456');
      document.getElementById('code').dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    })()`);
    expect(await page.locator('#code').inputValue()).toBe('123456');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('checks the phone number as it is typed, in the page language', async () => {
    const { page } = await open('mfa-sms-enrollment', 'ja', 320);
    const phone = page.locator('#phone');
    await phone.pressSequentially('090-12ab');
    await expect.poll(() => page.locator('#phone-check').textContent()).toBe('数字で入力してください。スペース、ハイフン、かっこは使えます。');
    expect(await phone.getAttribute('aria-invalid')).toBe('true');
    await phone.fill('');
    await phone.pressSequentially('090 1234 5678');
    expect(await page.locator('#phone-check').textContent()).toBe('');
    expect(await phone.getAttribute('aria-invalid')).toBeNull();
    await phone.fill('12');
    await phone.blur();
    expect(await page.locator('#phone-check').textContent()).toBe('電話番号は国番号を除いて 4〜14 桁です。');
    await page.close();
  });

  it('fills the code from WebOTP and submits the form', async () => {
    const page = await browser.newPage();
    // Headless Chromium has no SMS receiver: stand in for the browser's WebOTP API.
    await page.addInitScript(`
      window.OTPCredential = function OTPCredential() {};
      Object.defineProperty(navigator, 'credentials', { value: { get: () => Promise.resolve({ code: '654321', type: 'otp' }) } });
    `);
    posts.length = 0;
    await Promise.all([page.waitForURL(`${origin}/u/mfa-sms-challenge`), page.goto(`${origin}/screen/mfa-sms-challenge?lang=en`)]);
    const body = new URLSearchParams(posts[0]!.body);
    expect(body.get('code')).toBe('654321');
    expect(body.get('action')).toBe('default');
    expect(body.get('state')).toBe('sealed-state.token');
    expect(body.get('csrf')).toBe('csrf-token');
    await page.close();
  });

  it('works without JavaScript: the form posts the code and the server-rendered cooldown is shown', async () => {
    const context = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
    try {
      const page = await context.newPage({ javaScriptEnabled: false });
      await page.goto(`${origin}/screen/mfa-sms-challenge?lang=ja`);
      expect(await page.locator('#resend-wait').textContent()).toBe('30 秒後に新しいコードを依頼できます。');
      posts.length = 0;
      await page.locator('#code').fill('123456');
      await Promise.all([page.waitForURL(`${origin}/u/mfa-sms-challenge`), page.keyboard.press('Enter')]);
      expect(new URLSearchParams(posts[0]!.body).get('code')).toBe('123456');
    } finally {
      await context.close();
    }
  });
});
