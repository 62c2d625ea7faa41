import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, freePort } from '../support/cli.js';
import { startDemo, type Demo } from '../support/demo.js';

/**
 * `guardline demo` as a newcomer runs it: a real process, then the sample application driven over HTTP the way a
 * browser would (manual redirects, one cookie jar per host) through Guardline's login and back.
 */

/** A browser's cookies, per host:port (Path and expiry are not needed here). */
class Browser {
  private jars = new Map<string, Map<string, string>>();

  async get(url: string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const jar = this.jars.get(target.host) ?? new Map<string, string>();
    this.jars.set(target.host, jar);
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(target, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) } });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      jar.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
    return response;
  }

  /** Follows one redirect, resolving a relative Location against the URL it came from. */
  async follow(from: string, response: Response): Promise<{ url: string; response: Response }> {
    expect(response.status, await response.clone().text()).toBe(302);
    const url = new URL(response.headers.get('location')!, from).href;
    return { url, response: await this.get(url) };
  }
}

/** The login form's fields (hidden ones included) and where it posts. */
function formOf(html: string, pageUrl: string): { action: string; fields: Record<string, string> } {
  const form = /<form[^>]*method="post"[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) throw new Error(`no form in:\n${html}`);
  const fields: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input\b[^>]*>/gi)) {
    const name = /name="([^"]+)"/.exec(input[0])?.[1];
    const value = /value="([^"]*)"/.exec(input[0])?.[1] ?? '';
    if (name) fields[name] = value.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  }
  return { action: new URL(form[1]!, pageUrl).href, fields };
}

describe('guardline demo', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'guardline-demo-'));
  let env: NodeJS.ProcessEnv;
  let demo: Demo;
  let password: string;

  beforeAll(async () => {
    env = cliEnv({ GUARDLINE_DATA_DIR: dataDir, GUARDLINE_PORT: String(await freePort()) });
    demo = await startDemo(['--no-mfa', '--port', String(await freePort())], env);
    password = /^\s+password\s+(\S+)\s+\(shown once/m.exec(demo.output())?.[1] ?? '';
  }, 120_000);

  afterAll(async () => {
    await demo?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Log in → /authorize → Guardline's form → back at /callback → the claims page. Returns the final home page. */
  async function logIn(browser: Browser, demoUrl: string, secret: string): Promise<string> {
    const home = await browser.get(`${demoUrl}/`);
    expect(home.status).toBe(200);
    const start = await browser.get(`${demoUrl}/login`);
    expect(start.status).toBe(302);
    const authorizeUrl = new URL(start.headers.get('location')!);
    expect(authorizeUrl.pathname).toBe('/authorize');
    const params = Object.fromEntries(authorizeUrl.searchParams);
    expect(params).toMatchObject({ response_type: 'code', client_id: 'guardline-demo', redirect_uri: `${demoUrl}/callback`, code_challenge_method: 'S256', scope: 'openid profile email' });
    expect(params.state).toMatch(/^[\w-]{16,}$/);
    expect(params.nonce).toMatch(/^[\w-]{16,}$/);
    expect(params.code_challenge).toMatch(/^[\w-]{43}$/);

    const page = await browser.get(authorizeUrl.href);
    expect(page.status).toBe(200);
    const { action, fields } = formOf(await page.text(), authorizeUrl.href);
    const posted = await browser.get(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...fields, username: 'demo@example.com', password: secret }).toString(),
    });
    const back = await browser.follow(action, posted);
    expect(back.url.startsWith(`${demoUrl}/callback?`)).toBe(true);
    const landed = await browser.follow(back.url, back.response);
    expect(landed.url).toBe(`${demoUrl}/`);
    expect(landed.response.status).toBe(200);
    return landed.response.text();
  }

  it('prints the demo user once, with a password, and the address of the sample application on loopback', () => {
    expect(password).toMatch(/^demo-\S{12}$/);
    expect(demo.demoUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(demo.output()).toContain('demo@example.com');
    expect(demo.output()).toContain('MFA                 off (--no-mfa)');
    // the administrative credentials of the first start are not lost either
    expect(demo.output()).toMatch(/admin client_secret \S{32,}/);
  });

  it('shows "Log in", the demo user and the dev inbox link before login', async () => {
    const browser = new Browser();
    const response = await browser.get(`${demo.demoUrl}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await response.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('href="/login?ui_locales=en"');
    expect(html).toContain('href="/inbox"');
    expect(html).toContain('demo@example.com');
    const ja = await (await browser.get(`${demo.demoUrl}/?ui_locales=ja`)).text();
    expect(ja).toContain('<html lang="ja">');
    expect(ja).toContain('ログイン');
  });

  it("logs in through Guardline and shows the ID token's claims, then logs out through /v2/logout", async () => {
    const browser = new Browser();
    const html = await logIn(browser, demo.demoUrl, password);
    expect(html).toContain('You are logged in as demo@example.com.');
    expect(html).toMatch(/<th scope="row">sub<\/th><td>auth0\|/);
    expect(html).toMatch(/<th scope="row">aud<\/th><td>guardline-demo<\/td>/);
    expect(html).toContain('<p id="amr">Authentication methods (amr):');
    expect(html).toContain('href="/logout"');

    const logout = await browser.get(`${demo.demoUrl}/logout`);
    expect(logout.status).toBe(302);
    const to = new URL(logout.headers.get('location')!);
    expect(to.pathname).toBe('/v2/logout');
    expect(Object.fromEntries(to.searchParams)).toEqual({ client_id: 'guardline-demo', returnTo: `${demo.demoUrl}/` });
    expect(await (await browser.get(`${demo.demoUrl}/`)).text()).toContain('You are not logged in.');
  });

  it('refuses a callback that no login of this browser started, and a replayed one', async () => {
    const browser = new Browser();
    const foreign = await browser.get(`${demo.demoUrl}/callback?code=abc&state=forged`);
    expect(foreign.status).toBe(400);
    expect(await foreign.text()).toContain('state mismatch');

    const start = await browser.get(`${demo.demoUrl}/login`);
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const denied = await browser.get(`${demo.demoUrl}/callback?error=access_denied&error_description=nope&state=${state}`);
    expect(denied.status).toBe(400);
    expect(await denied.text()).toContain('Guardline answered: access_denied — nope');
    const replay = await browser.get(`${demo.demoUrl}/callback?error=access_denied&state=${state}`);
    expect(await replay.text()).toContain('state mismatch');
  });

  it('shows the dev inbox (empty without MFA)', async () => {
    const response = await new Browser().get(`${demo.demoUrl}/inbox`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('No message yet.');
  });

  it('runs again on the same data: the same application and user, no password printed, the login still works', async () => {
    expect(await demo.stop()).toBe(0);
    demo = await startDemo(['--no-mfa', '--port', String(await freePort())], env);
    expect(demo.output()).toContain('as printed the first time guardline demo ran');
    expect(demo.output()).not.toMatch(/shown once/);
    const html = await logIn(new Browser(), demo.demoUrl, password);
    expect(html).toContain('You are logged in as demo@example.com.');
  }, 120_000);

  it('with MFA (the default), the same password login no longer comes straight back: the phone factor is due', async () => {
    await demo.stop();
    demo = await startDemo(['--port', String(await freePort())], env);
    expect(demo.output()).toContain('SMS codes through the built-in provider');
    const browser = new Browser();
    const start = await browser.get(`${demo.demoUrl}/login`);
    const authorizeUrl = start.headers.get('location')!;
    const { action, fields } = formOf(await (await browser.get(authorizeUrl)).text(), authorizeUrl);
    const posted = await browser.get(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...fields, username: 'demo@example.com', password }).toString(),
    });
    const location = posted.headers.get('location') ?? '';
    expect(location.startsWith(`${demo.demoUrl}/callback`)).toBe(false);
  }, 120_000);
});
