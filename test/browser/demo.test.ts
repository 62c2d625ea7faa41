import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, freePort } from '../support/cli.js';
import { startDemo, type Demo } from '../support/demo.js';
import { CHROMIUM_PATH } from '../support/services.js';

/** `guardline demo --no-mfa` clicked through in headless Chromium, as the README's walk-through does. */

const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-artifacts/demo');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('guardline demo in Chromium', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'guardline-demo-browser-'));
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'guardline-chromium-'));
  let demo: Demo;
  let browser: BrowserContext;
  let password: string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const env = cliEnv({ GUARDLINE_DATA_DIR: dataDir, GUARDLINE_PORT: String(await freePort()) });
    demo = await startDemo(['--no-mfa', '--port', String(await freePort())], env);
    password = /^\s+password\s+(\S+)\s+\(shown once/m.exec(demo.output())?.[1] ?? '';
    browser = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(userDataDir, { recursive: true, force: true });
  });

  it.each(['en', 'ja'] as const)('logs in with the printed credentials and shows the claims, then logs out (%s)', async (locale) => {
    const page = await browser.newPage();
    await page.setExtraHTTPHeaders({ 'accept-language': locale });
    try {
      await page.goto(`${demo.demoUrl}/`);
      expect(await page.getAttribute('html', 'lang')).toBe(locale);
      await page.screenshot({ path: path.join(ARTIFACTS, `demo-home.${locale}.png`), fullPage: true });
      await page.click('a.button');
      await page.waitForSelector('input[name="password"]');
      await page.fill('input[name="username"]', 'demo@example.com');
      await page.fill('input[name="password"]', password);
      await page.click('button[type="submit"], input[type="submit"]');
      await page.waitForSelector('#claims');
      expect(new URL(page.url()).pathname).toBe('/');
      const text = await page.textContent('#claims');
      expect(text).toContain('demo@example.com');
      expect(text).toContain('guardline-demo');
      await page.screenshot({ path: path.join(ARTIFACTS, `demo-claims.${locale}.png`), fullPage: true });
      // The demo forgets its session, then hands over to Guardline's /v2/logout (whatever that answers here).
      const toGuardline = page.waitForRequest((request) => request.url().includes('/v2/logout?'));
      await page.click('a[href="/logout"]');
      expect(new URL((await toGuardline).url()).searchParams.get('client_id')).toBe('guardline-demo');
      await page.goto(`${demo.demoUrl}/`);
      expect(await page.locator('#claims').count()).toBe(0);
    } finally {
      await page.close();
    }
  }, 60_000);
});
