import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { CHROMIUM_PATH } from '../support/services.js';
import { PASSWORD, createClient, createUser, pkcePair, verifyWithJwks } from '../auth/helpers.js';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe.each(DIALECTS)('login page in a real browser (%s)', (dialect) => {
  const ctx = useTestContext(dialect);
  let guardline: string;
  let callbackServer: Server;
  let callbackUrl: string;
  const callbacksSeen: string[] = [];
  let browser: BrowserContext;
  let userDataDir: string;

  beforeAll(async () => {
    // 127.0.0.1 is not under the base domain, so it is served by the default tenant.
    const address = await ctx().app.listen({ host: '127.0.0.1', port: 0 });
    guardline = address.replace('localhost', '127.0.0.1');
    callbackServer = createServer((request, response) => {
      callbacksSeen.push(request.url ?? '');
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('signed in');
    });
    await new Promise<void>((resolve) => callbackServer.listen(0, '127.0.0.1', resolve));
    callbackUrl = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}/callback`;
    userDataDir = await mkdtemp(path.join(tmpdir(), 'guardline-chromium-'));
    browser = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (callbackServer ? callbackServer.close(() => resolve()) : resolve()));
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  });

  it('logs in through the Japanese form, lands on the redirect URI with a code and exchanges it', async () => {
    const client = await createClient(ctx(), { app_type: 'spa', name: 'ブラウザテスト', grant_types: ['authorization_code'], callbacks: [callbackUrl] });
    const user = await createUser(ctx());
    const { verifier, challenge } = pkcePair();
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: callbackUrl,
      scope: 'openid profile email',
      state: 'browser-state',
      nonce: 'browser-nonce',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ui_locales: 'ja',
    });

    const page = await browser.newPage();
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    await page.goto(`${guardline}/authorize?${query.toString()}`);
    expect(await page.locator('html').getAttribute('lang')).toBe('ja');
    await expect.poll(() => page.locator('h1').textContent()).toBe('ようこそ');
    expect(await page.title()).toBe('ログイン');

    // A wrong password first: the same form comes back with the Japanese error.
    await page.getByLabel('メールアドレスまたはユーザー名').fill(user.email);
    await page.getByLabel('パスワード').fill('まちがったパスワード');
    await page.getByRole('button', { name: '続ける' }).click();
    await page.waitForSelector('[role="alert"]');
    expect(await page.locator('[role="alert"]').textContent()).toBe('メールアドレスまたはパスワードが正しくありません。');
    expect(await page.getByLabel('メールアドレスまたはユーザー名').inputValue()).toBe(user.email);

    await page.getByLabel('パスワード').fill(PASSWORD);
    await Promise.all([page.waitForURL((url) => url.href.startsWith(callbackUrl)), page.getByRole('button', { name: '続ける' }).click()]);
    const landed = new URL(page.url());
    expect(landed.searchParams.get('state')).toBe('browser-state');
    const code = landed.searchParams.get('code');
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(callbacksSeen.some((u) => u.includes(`code=${code}`))).toBe(true);
    expect(await page.textContent('body')).toBe('signed in');
    expect(cspViolations).toEqual([]);

    const response = await fetch(`${guardline}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: client.client_id, code: code!, redirect_uri: callbackUrl, code_verifier: verifier }),
    });
    expect(response.status).toBe(200);
    const tokens = (await response.json()) as { id_token: string; access_token: string };
    const id = await verifyWithJwks(ctx(), tokens.id_token, client.client_id);
    expect(id).toMatchObject({ sub: user.user_id, nonce: 'browser-nonce', email: user.email });

    const userinfo = await fetch(`${guardline}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(await userinfo.json()).toMatchObject({ sub: user.user_id, email: user.email });
    await page.close();
  });
});
