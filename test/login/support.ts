import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { TestContext } from '../support/harness.js';
import { CALLBACK, PASSWORD, createClient, createUser, pkcePair } from '../auth/helpers.js';
import { latestCode } from '../mfa/support.js';

/**
 * A browser without JavaScript for the login pages, over `app.inject`: a cookie jar, forms read from the HTML
 * (hidden fields included), redirects followed on the Guardline host. What a real browser does, minus rendering
 * (test/browser/ drives Chromium through the same screens).
 */
let nextAddress = 1 + Math.floor(Math.random() * 1_000_000);

export class FormBrowser {
  readonly cookies = new Map<string, string>();
  last!: LightMyRequestResponse;
  /** Every URL the browser was sent to outside Guardline (the application's callback). */
  readonly leftTo: URL[] = [];

  /** Each browser has its own address, as people do (the per-IP limits of the pages count per browser here). */
  readonly ip = `10.${nextAddress >> 16 & 255}.${nextAddress >> 8 & 255}.${nextAddress++ & 255}`;

  constructor(
    private readonly ctx: TestContext,
    private readonly headers: Record<string, string> = {},
  ) {}

  private remember(response: LightMyRequestResponse) {
    const setCookie = response.headers['set-cookie'];
    for (const line of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
      const [pair, ...attributes] = String(line).split(';');
      const [name, ...rest] = pair!.split('=');
      const value = rest.join('=');
      const expired = attributes.some((a) => /max-age=0\b/i.test(a.trim())) || value === '';
      if (expired) this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value);
    }
  }

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(method: 'GET' | 'POST', url: string, fields?: Record<string, string>): Promise<LightMyRequestResponse> {
    let response = await this.ctx.app.inject({
      method,
      url,
      remoteAddress: this.ip,
      headers: {
        host: this.ctx.tenant.domain,
        ...this.headers,
        ...(this.cookies.size ? { cookie: this.cookieHeader() } : {}),
        ...(fields ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(fields ? { payload: new URLSearchParams(fields).toString() } : {}),
    });
    this.remember(response);
    // Follow redirects within Guardline; stop at the application's callback.
    for (let hops = 0; hops < 5 && response.statusCode >= 301 && response.statusCode <= 303; hops++) {
      const location = String(response.headers.location);
      if (/^https?:/.test(location)) {
        this.leftTo.push(new URL(location));
        break;
      }
      response = await this.ctx.app.inject({ method: 'GET', url: location, remoteAddress: this.ip, headers: { host: this.ctx.tenant.domain, ...this.headers, cookie: this.cookieHeader() } });
      this.remember(response);
    }
    this.last = response;
    return response;
  }

  get html(): string {
    return this.last.body;
  }

  /** The screen shown: Auth0's screen name is the path of the form that the page posts (or the path shown). */
  get screen(): string | undefined {
    return /<form method="post" action="\/u\/([a-z-]+)"/.exec(this.html)?.[1];
  }

  /** The hidden fields of the page's first form (state, csrf): what every post carries. */
  hidden(): Record<string, string> {
    const fields: Record<string, string> = {};
    const form = /<form[^>]*>([\s\S]*?)<\/form>/.exec(this.html)?.[1] ?? '';
    for (const match of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[match[1]!] = decode(match[2]!);
    return fields;
  }

  /** Posts the current screen's form with `fields` (and its hidden fields). */
  submit(fields: Record<string, string>, screen = this.screen): Promise<LightMyRequestResponse> {
    if (!screen) throw new Error(`no form on the page: ${this.html.slice(0, 500)}`);
    const { action: _ignored, ...hidden } = this.hidden();
    return this.request('POST', `/u/${screen}`, { ...hidden, ...fields });
  }
}

const decode = (value: string) => value.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** An application for the code flow and a user; `browser` at the login form of /authorize. */
export async function startLogin(ctx: TestContext, options: { locale?: string; browser?: FormBrowser; user?: Awaited<ReturnType<typeof createUser>>; prompt?: 'login' } = {}) {
  const client = await createClient(ctx, { grant_types: ['authorization_code'], callbacks: [CALLBACK] });
  const user = options.user ?? (await createUser(ctx));
  const browser = options.browser ?? new FormBrowser(ctx);
  const { verifier, challenge } = pkcePair();
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: CALLBACK,
    scope: 'openid profile',
    state: 'app-state',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...(options.locale ? { ui_locales: options.locale } : {}),
    // A browser that logged in before has a login session (single sign-on): `prompt=login` asks for the password again.
    ...(options.prompt ? { prompt: options.prompt } : {}),
  });
  await browser.request('GET', `/authorize?${query.toString()}`);
  return { client, user, browser, verifier };
}

/** Types the password on the login form. */
export async function submitPassword(browser: FormBrowser, email: string, password = PASSWORD) {
  const form = browser.hidden();
  return browser.request('POST', '/u/login', { ...form, username: email, password });
}

/** The code of the newest message to `phone` in the dev inbox. */
export const codeFor = (ctx: TestContext, phone: string) => latestCode(ctx, phone);

/** The application's callback with its code, once the login has left Guardline. */
export function callbackOf(browser: FormBrowser): URL {
  const url = browser.leftTo.at(-1);
  expect(url, `the login did not redirect to the application: ${browser.html.slice(0, 400)}`).toBeDefined();
  return url!;
}
