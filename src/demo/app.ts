import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { maskPhoneNumber } from '../domain/phone-number.js';
import { translator } from '../i18n/catalogue.js';
import { negotiateLocale } from '../i18n/negotiate.js';
import type { Locale } from '../services/tenants.js';
import { errorPage, homePage, inboxPage, PAGE_CSP, type InboxMessage, type PageFrame } from './pages.js';

/**
 * The demo sample application: a regular web application that knows Guardline only by its issuer URL and its
 * client credentials, as any application would. "Log in" sends the browser to `/authorize` (authorization code with
 * PKCE S256, `state` bound to this browser by a cookie, `nonce`); `/callback` exchanges the code at `/oauth/token`
 * with the client secret, verifies the ID token against the JWKS (issuer, audience, nonce) and shows its claims.
 * "Log out" forgets the session and goes to Guardline's `/v2/logout`. The dev inbox page lists what the built-in
 * phone provider kept (the codes of the MFA step), so the whole flow can be clicked through on a laptop.
 *
 * State lives in this process (a Map of sessions): it is a demo for one person on a loopback address.
 */

export interface DemoAppOptions {
  /** Guardline's issuer, `http://localhost:3000/`. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Where this app is reached, `http://127.0.0.1:3001`. */
  publicUrl: string;
  locales: { defaultLocale: Locale; supportedLocales: Locale[] };
  mfa: boolean;
  userEmail: string;
  /** The tenant's dev inbox, newest first. */
  inbox: () => Promise<InboxMessage[]>;
  fetch?: typeof globalThis.fetch;
}

interface Session {
  pending?: { state: string; nonce: string; verifier: string };
  claims?: Record<string, unknown>;
}

const COOKIE = 'guardline_demo';
const base64url = (bytes: Buffer) => bytes.toString('base64url');

function cookieOf(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/** The demo's request handler, for a `node:http` server of its own (the caller chooses where it listens). */
export function createDemoApp(options: DemoAppOptions): (request: IncomingMessage, response: ServerResponse) => void {
  const sessions = new Map<string, Session>();
  const fetch = options.fetch ?? globalThis.fetch;
  const jwks = createRemoteJWKSet(new URL('.well-known/jwks.json', options.issuer));
  const callback = new URL('/callback', options.publicUrl).href;

  function frameFor(request: IncomingMessage, url: URL): PageFrame {
    const locale = negotiateLocale(options.locales, url.searchParams.get('ui_locales') ?? undefined, request.headers['accept-language']);
    const other = locale === 'en' ? 'ja' : 'en';
    const href = new URL(url.pathname === '/callback' ? '/' : url.pathname, options.publicUrl);
    href.searchParams.set('ui_locales', other);
    return { locale, t: translator(locale), otherLanguageHref: `${href.pathname}${href.search}` };
  }

  function session(request: IncomingMessage, response: ServerResponse): Session {
    const id = cookieOf(request, COOKIE);
    const found = id ? sessions.get(id) : undefined;
    if (found) return found;
    const fresh: Session = {};
    const newId = base64url(randomBytes(24));
    sessions.set(newId, fresh);
    response.setHeader('set-cookie', `${COOKIE}=${newId}; Path=/; HttpOnly; SameSite=Lax`);
    return fresh;
  }

  function html(response: ServerResponse, status: number, body: string) {
    response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': PAGE_CSP, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    response.end(body);
  }

  function redirect(response: ServerResponse, location: string) {
    response.writeHead(302, { location, 'cache-control': 'no-store' });
    response.end();
  }

  async function exchange(code: string, verifier: string): Promise<{ ok: true; idToken: string } | { ok: false; description: string }> {
    const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: callback, code_verifier: verifier, client_id: options.clientId, client_secret: options.clientSecret });
    const answer = await fetch(new URL('oauth/token', options.issuer), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    const json = (await answer.json().catch(() => ({}))) as { id_token?: string; error?: string; error_description?: string };
    if (!answer.ok || !json.id_token) return { ok: false, description: `${json.error ?? answer.status}${json.error_description ? `: ${json.error_description}` : ''}` };
    return { ok: true, idToken: json.id_token };
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', options.publicUrl);
    const frame = frameFor(request, url);
    if (request.method !== 'GET') return html(response, 405, errorPage(frame, 'GET only'));
    const current = session(request, response);

    switch (url.pathname) {
      case '/':
        return html(response, 200, homePage(frame, { mfa: options.mfa, userEmail: options.userEmail, inboxHref: '/inbox', ...(current.claims ? { claims: current.claims } : {}) }));

      case '/login': {
        const pending = { state: base64url(randomBytes(16)), nonce: base64url(randomBytes(16)), verifier: base64url(randomBytes(32)) };
        current.pending = pending;
        const authorize = new URL('authorize', options.issuer);
        authorize.search = new URLSearchParams({
          response_type: 'code',
          client_id: options.clientId,
          redirect_uri: callback,
          scope: 'openid profile email',
          state: pending.state,
          nonce: pending.nonce,
          code_challenge: base64url(createHash('sha256').update(pending.verifier).digest()),
          code_challenge_method: 'S256',
          ui_locales: frame.locale,
        }).toString();
        return redirect(response, authorize.href);
      }

      case '/callback': {
        const pending = current.pending;
        const state = url.searchParams.get('state');
        // One answer per login started here: a replayed or foreign callback finds no pending login.
        delete current.pending;
        if (!pending || state !== pending.state) return html(response, 400, errorPage(frame, frame.t('demo.error.state')));
        const error = url.searchParams.get('error');
        if (error) return html(response, 400, errorPage(frame, frame.t('demo.error.returned', { error, description: url.searchParams.get('error_description') ?? '' })));
        const exchanged = await exchange(url.searchParams.get('code') ?? '', pending.verifier);
        if (!exchanged.ok) return html(response, 502, errorPage(frame, frame.t('demo.error.exchange', { description: exchanged.description })));
        try {
          const { payload } = await jwtVerify(exchanged.idToken, jwks, { issuer: options.issuer, audience: options.clientId });
          if (payload.nonce !== pending.nonce) throw new Error('nonce mismatch');
          current.claims = payload as Record<string, unknown>;
        } catch (err) {
          return html(response, 502, errorPage(frame, frame.t('demo.error.id_token', { description: (err as Error).message })));
        }
        return redirect(response, '/');
      }

      case '/logout': {
        delete current.claims;
        const logout = new URL('v2/logout', options.issuer);
        logout.search = new URLSearchParams({ client_id: options.clientId, returnTo: new URL('/', options.publicUrl).href }).toString();
        return redirect(response, logout.href);
      }

      case '/inbox': {
        const messages = (await options.inbox()).map((m) => ({ ...m, to: maskPhoneNumber(m.to) }));
        return html(response, 200, inboxPage(frame, messages));
      }

      default:
        return html(response, 404, errorPage(frame, `${url.pathname}: not found`));
    }
  }

  return (request, response) => {
    handle(request, response).catch((err: unknown) => {
      if (!response.headersSent) html(response, 500, `<!doctype html><p>${String((err as Error).message ?? err).replace(/[<>&]/g, '')}</p>`);
      else response.end();
    });
  };
}
