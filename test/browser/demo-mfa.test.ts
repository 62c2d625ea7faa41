import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { translate } from '../../src/i18n/catalogue.js';
import type { Locale } from '../../src/services/tenants.js';
import { codeIn } from '../mfa/support.js';
import { cliEnv, freePort } from '../support/cli.js';
import { startDemo, type Demo } from '../support/demo.js';
import { CHROMIUM_PATH } from '../support/services.js';

/**
 * `guardline demo` WITH MFA clicked through in headless Chromium, as the README's walk-through does: Log in →
 * password → enrol a phone (SMS through the built-in provider) → read the code on the demo's /inbox page in another
 * tab → back in the sample application with the ID token's claims (`amr` has `mfa`). The second
 * run (Japanese) is the enrolled user's login: the code screen straight after the password.
 * GUARDLINE_UPDATE_DOC_SCREENS=1 copies the README's screenshots to docs/screens/demo-*.png.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const ARTIFACTS = path.join(ROOT, 'test-artifacts/demo-mfa');
/** The README's walk-through shows these. */
const DOCS_SET = ['demo-home', 'demo-mfa-enroll', 'demo-inbox', 'demo-claims'];
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('guardline demo with MFA in Chromium', { timeout: 90_000 }, () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'guardline-demo-mfa-'));
  let demo: Demo;
  let chrome: Browser;
  let password: string;
  let problems: string[] = [];
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const env = cliEnv({ GUARDLINE_DATA_DIR: dataDir, GUARDLINE_PORT: String(await freePort()) });
    demo = await startDemo(['--port', String(await freePort())], env);
    password = /^\s+password\s+(\S+)\s+\(shown once/m.exec(demo.output())?.[1] ?? '';
    expect(demo.output()).toContain(`${demo.demoUrl}/inbox`);
    chrome = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  }, 120_000);

  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
    expect(problems, 'CSP violations or script errors').toEqual([]);
    problems = [];
  });

  afterAll(async () => {
    await chrome?.close();
    await demo?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function newBrowser(locale: Locale): Promise<{ context: BrowserContext; page: Page }> {
    const context = await chrome.newContext({ locale, viewport: { width: 900, height: 800 } });
    contexts.push(context);
    context.on('page', (page) => {
      page.on('console', (m) => {
        if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(`${page.url()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`${page.url()}: ${String(e)}`));
    });
    return { context, page: await context.newPage() };
  }

  async function shot(page: Page, name: string, locale: Locale) {
    const file = path.join(ARTIFACTS, `${name}.${locale}.png`);
    await page.screenshot({ path: file, fullPage: true });
    if (DOCS_SET.includes(name) && process.env.GUARDLINE_UPDATE_DOC_SCREENS === '1') {
      mkdirSync(path.join(ROOT, 'docs/screens'), { recursive: true });
      copyFileSync(file, path.join(ROOT, 'docs/screens', `${name}.${locale}.png`));
    }
  }

  async function submit(page: Page, selector: string) {
    await Promise.all([page.waitForNavigation(), page.click(selector)]);
  }

  /** Another tab on the demo's /inbox page: the newest message's code. */
  async function codeFromInbox(context: BrowserContext, locale: Locale): Promise<string> {
    const tab = await context.newPage();
    await tab.goto(`${demo.demoUrl}/inbox?ui_locales=${locale}`);
    expect(await tab.getAttribute('html', 'lang')).toBe(locale);
    expect(await tab.textContent('h1')).toBe(translate(locale, 'demo.inbox.title'));
    const newest = await tab.textContent('#messages tr:nth-child(2) td:nth-child(3)');
    // The page shows the number masked.
    expect(await tab.textContent('#messages tr:nth-child(2) td:nth-child(2)')).not.toContain('5552671');
    await shot(tab, 'demo-inbox', locale);
    await tab.close();
    return codeIn(newest ?? '');
  }

  async function logIn(page: Page, locale: Locale) {
    await page.goto(`${demo.demoUrl}/`);
    expect(await page.getAttribute('html', 'lang')).toBe(locale);
    expect(await page.textContent('main')).toContain(translate(locale, 'demo.mfa_on'));
    await shot(page, 'demo-home', locale);
    await submit(page, 'a.button');
    expect(await page.getAttribute('html', 'lang')).toBe(locale);
    await page.fill('#username', 'demo@example.com');
    await page.fill('#password', password);
    await submit(page, 'button.primary');
  }

  async function expectClaims(page: Page, locale: Locale) {
    await page.waitForSelector('#claims');
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.textContent('#amr')).toBe(translate(locale, 'demo.amr', { amr: 'mfa' }));
    const claims = await page.textContent('#claims');
    expect(claims).toContain('demo@example.com');
    expect(claims).toContain('guardline-demo');
    await shot(page, 'demo-claims', locale);
  }

  it('enrols a phone on the first login (en): code read on the demo inbox page, claims with amr mfa', async () => {
    expect(password).not.toBe('');
    const { context, page } = await newBrowser('en');
    await logIn(page, 'en');
    expect(await page.textContent('h1')).toBe(translate('en', 'mfa.title.enroll'));
    expect(await page.getAttribute('form[method=post]', 'action')).toBe('/u/mfa-sms-enrollment');
    await page.selectOption('#country_code', 'US');
    await page.fill('#phone', '415 555 2671');
    await shot(page, 'demo-mfa-enroll', 'en');
    await submit(page, 'button.primary');
    expect(await page.getAttribute('form[method=post]', 'action')).toBe('/u/mfa-sms-challenge');
    const code = await codeFromInbox(context, 'en');
    await page.fill('#code', code);
    await shot(page, 'demo-mfa-code', 'en');
    // The demo turns on SMS only (no recovery-code factor, src/demo/setup.ts): the code ends the enrolment.
    await Promise.all([page.waitForURL((url) => url.href.startsWith(`${demo.demoUrl}/`) && !url.pathname.startsWith('/callback')), page.click('button.primary')]);
    await expectClaims(page, 'en');
  });

  it('the enrolled user logs in again (ja): the code screen after the password, then the claims', async () => {
    const { context, page } = await newBrowser('ja');
    await logIn(page, 'ja');
    expect(await page.getAttribute('form[method=post]', 'action')).toBe('/u/mfa-sms-challenge');
    expect(await page.textContent('h1')).toBe(translate('ja', 'mfa.title.verify'));
    const code = await codeFromInbox(context, 'ja');
    await page.fill('#code', code);
    await shot(page, 'demo-mfa-code', 'ja');
    await Promise.all([page.waitForURL((url) => url.href.startsWith(`${demo.demoUrl}/`) && !url.pathname.startsWith('/callback')), page.click('button.primary')]);
    await expectClaims(page, 'ja');
  });
});
