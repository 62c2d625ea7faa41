import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, useTestContext, type TestContextOptions } from '../support/harness.js';
import { CHROMIUM_PATH } from '../support/services.js';
import { PASSWORD, createClient, createUser, logsOf } from '../auth/helpers.js';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The official SDK's browser bundle, straight from node_modules. */
const SDK_BUNDLE = path.join(process.cwd(), 'node_modules/@auth0/auth0-spa-js/dist/auth0-spa-js.production.js');

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The sample application: one page that loads the SDK, creates the client (which tries silent authentication at
 * once), completes a redirect callback when it lands on one, and exposes the client as `window.sdk`.
 */
function appPage(config: object): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>SPA</title></head><body><pre id="status">loading</pre>
<script src="/sdk.js"></script>
<script>
(async () => {
  try {
    const client = await auth0.createAuth0Client(${JSON.stringify(config)});
    if (location.search.includes('code=')) {
      await client.handleRedirectCallback();
      history.replaceState({}, '', '/');
    }
    window.sdk = client;
    document.getElementById('status').textContent = 'ready';
  } catch (e) {
    document.getElementById('status').textContent = 'error: ' + (e.error || e.message);
  }
})();
</script></body></html>`;
}

describe.each(DIALECTS)('the official @auth0/auth0-spa-js against Guardline in Chromium (%s)', (dialect) => {
  // The issuer must be the address the SDK calls (it checks `iss` against its domain): pick the port first.
  const options: TestContextOptions = {};
  let guardlinePort = 0;
  beforeAll(async () => {
    guardlinePort = await freePort();
    options.publicUrl = new URL(`http://127.0.0.1:${guardlinePort}`);
  });
  const ctx = useTestContext(dialect, options);
  let guardline: string;
  let app: string;
  let appServer: Server;
  let browser: BrowserContext;
  let userDataDir: string;
  let pageHtml = '';

  beforeAll(async () => {
    await ctx().app.listen({ host: '127.0.0.1', port: guardlinePort });
    guardline = `http://127.0.0.1:${guardlinePort}`;
    const bundle = await readFile(SDK_BUNDLE);
    // Another port of 127.0.0.1: another origin (so CORS and web_message are exercised), the same site (so the
    // plain-http session cookie, SameSite=Lax, reaches the silent-authentication iframe).
    appServer = createHttpServer((request, response) => {
      if (request.url === '/sdk.js') return response.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
      return response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(pageHtml);
    });
    await new Promise<void>((resolve) => appServer.listen(0, '127.0.0.1', resolve));
    app = `http://127.0.0.1:${(appServer.address() as AddressInfo).port}`;
    userDataDir = await mkdtemp(path.join(tmpdir(), 'guardline-spa-'));
    browser = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (appServer ? appServer.close(() => resolve()) : resolve()));
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  });

  async function status(page: Page): Promise<string> {
    await page.waitForFunction("document.getElementById('status')?.textContent !== 'loading'");
    return (await page.textContent('#status')) ?? '';
  }

  async function loginThroughForm(page: Page, email: string) {
    await Promise.all([page.waitForURL((url) => url.href.startsWith(`${guardline}/authorize`)), page.evaluate('window.sdk.loginWithRedirect()')]);
    await page.getByLabel('Email address or username').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await Promise.all([page.waitForURL((url) => url.href.startsWith(app)), page.getByRole('button', { name: 'Continue' }).click()]);
    expect(await status(page)).toBe('ready');
  }

  it('logs in with redirect, reads the user, renews silently in an iframe (prompt=none, web_message), logs out', async () => {
    const client = await createClient(ctx(), {
      name: 'SDK app',
      app_type: 'spa',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      callbacks: [`${app}/`],
      web_origins: [app],
      allowed_logout_urls: [`${app}/?logged-out`],
    });
    const user = await createUser(ctx(), { name: 'Hana Sato' });
    pageHtml = appPage({ domain: guardline, clientId: client.client_id, authorizationParams: { redirect_uri: `${app}/`, ui_locales: 'en' } });

    const page = await browser.newPage();
    await page.goto(`${app}/`);
    // createAuth0Client tried prompt=none first: no session yet, so login_required, silently.
    expect(await status(page)).toBe('ready');
    expect(await page.evaluate('window.sdk.isAuthenticated()')).toBe(false);

    await loginThroughForm(page, user.email);
    expect(await page.evaluate('window.sdk.isAuthenticated()')).toBe(true);
    const profile = await page.evaluate('window.sdk.getUser()');
    expect(profile).toMatchObject({ sub: user.user_id, email: user.email, name: 'Hana Sato' });

    const first = await page.evaluate('window.sdk.getTokenSilently()');
    // Bypass the SDK's cache: a fresh code through the hidden iframe, answered from Guardline's session cookie.
    const renewed = (await page.evaluate("window.sdk.getTokenSilently({ cacheMode: 'off', detailedResponse: true })")) as { access_token: string; id_token: string };
    expect(typeof first).toBe('string');
    expect(typeof renewed.id_token).toBe('string');
    // The renewal was a second code, issued from the session without the form (Success Silent Auth).
    expect(await logsOf(ctx(), 'ssa')).toHaveLength(1);
    expect(await logsOf(ctx(), 'seacft')).toHaveLength(2);
    // From the page, across origins: /userinfo answers CORS for the client's web origin.
    const claims = await page.evaluate(`fetch(${JSON.stringify(`${guardline}/userinfo`)}, { headers: { authorization: 'Bearer ${renewed.access_token}' } }).then((r) => r.json())`);
    expect(claims).toMatchObject({ sub: user.user_id });

    await Promise.all([
      page.waitForURL((url) => url.search === '?logged-out'),
      page.evaluate("window.sdk.logout({ logoutParams: { returnTo: location.origin + '/?logged-out' } })"),
    ]);
    expect(await status(page)).toBe('ready');
    // The session is gone at Guardline too: silent authentication now fails with login_required.
    expect(await page.evaluate('window.sdk.isAuthenticated()')).toBe(false);
    const silent = await page.evaluate("window.sdk.getTokenSilently({ cacheMode: 'off' }).then(() => 'token', (e) => e.error)");
    expect(silent).toBe('login_required');
    await page.close();
  });

  it('with useRefreshTokens: offline_access through the code flow, and rotation on every renewal', async () => {
    const client = await createClient(ctx(), {
      name: 'SDK app with refresh tokens',
      app_type: 'spa',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      callbacks: [`${app}/`],
      web_origins: [app],
      allowed_logout_urls: [`${app}/`],
      refresh_token: { rotation_type: 'rotating' },
    });
    const user = await createUser(ctx());
    pageHtml = appPage({ domain: guardline, clientId: client.client_id, useRefreshTokens: true, useRefreshTokensFallback: false, cacheLocation: 'localstorage', authorizationParams: { redirect_uri: `${app}/` } });
    const page = await browser.newPage();
    await page.goto(`${app}/`);
    expect(await status(page)).toBe('ready');
    await loginThroughForm(page, user.email);

    const refreshTokenInCache = () =>
      page.evaluate(
        'Object.keys(localStorage).map((k) => { try { return JSON.parse(localStorage.getItem(k)).body.refresh_token; } catch { return undefined; } }).find(Boolean)',
      ) as Promise<string | undefined>;
    const before = await refreshTokenInCache();
    expect(before).toBeTruthy();
    const token = await page.evaluate("window.sdk.getTokenSilently({ cacheMode: 'off' })");
    expect(typeof token).toBe('string');
    const after = await refreshTokenInCache();
    expect(after).toBeTruthy();
    expect(after).not.toBe(before);
    await page.close();
  });
});
