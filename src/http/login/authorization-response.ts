import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { translator } from '../../i18n/catalogue.js';
import { redirectWith, type AuthorizationResponse, type LoginCompletion } from '../../services/authorization.js';
import type { Locale, Tenant } from '../../services/tenants.js';
import { escapeHtml } from './html.js';
import { setSessionCookie } from './session-cookie.js';

/**
 * Sends an authorization response (a code, or an error) in its response mode: `query` is a 302 to the
 * redirect_uri; `form_post` an HTML form that posts itself to the redirect_uri (a button without JavaScript);
 * `web_message` a page that `postMessage`s `{type: 'authorization_response', response}` to the redirect_uri's
 * origin only, and may be framed by that origin only (the SPA SDK's silent authentication iframe, or its popup).
 * The pages' only scripts are the constants below, allowed by their hashes; the data they read is a JSON block.
 */

const FORM_POST_SCRIPT = 'document.forms[0].submit();';
const WEB_MESSAGE_SCRIPT =
  'var d=JSON.parse(document.getElementById("authorization-response").textContent);' +
  '(window.opener||window.parent).postMessage({type:"authorization_response",response:d.response},d.origin);';

const hashOf = (script: string) => `'sha256-${createHash('sha256').update(script).digest('base64')}'`;

/** JSON that can sit inside a <script> element: no `<` can close it. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

const commonHeaders = {
  'content-type': 'text/html; charset=utf-8',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

function formPost(reply: FastifyReply, locale: Locale, response: AuthorizationResponse): FastifyReply {
  const t = translator(locale);
  const inputs = Object.entries(response.params)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  const html = `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(t('authorize.form_post.title'))}</title></head>
<body><form method="post" action="${escapeHtml(response.redirectUri)}">${inputs}<p>${escapeHtml(t('authorize.form_post.lead'))}</p>
<button type="submit">${escapeHtml(t('authorize.form_post.submit'))}</button></form><script>${FORM_POST_SCRIPT}</script></body></html>`;
  return reply
    .code(200)
    .headers({
      ...commonHeaders,
      'content-security-policy': `default-src 'none'; script-src ${hashOf(FORM_POST_SCRIPT)}; form-action ${new URL(response.redirectUri).origin}; frame-ancestors 'none'; base-uri 'none'`,
      'x-frame-options': 'DENY',
    })
    .send(html);
}

function webMessage(reply: FastifyReply, locale: Locale, response: AuthorizationResponse): FastifyReply {
  const origin = new URL(response.redirectUri).origin;
  const html = `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>Authorization Response</title></head>
<body><script type="application/json" id="authorization-response">${scriptJson({ origin, response: response.params })}</script><script>${WEB_MESSAGE_SCRIPT}</script></body></html>`;
  return reply
    .code(200)
    .headers({
      ...commonHeaders,
      // Framed by the application's origin only; no X-Frame-Options (it cannot name an origin).
      'content-security-policy': `default-src 'none'; script-src ${hashOf(WEB_MESSAGE_SCRIPT)}; frame-ancestors ${origin}; base-uri 'none'`,
    })
    .send(html);
}

export function sendAuthorizationResponse(reply: FastifyReply, locale: Locale, response: AuthorizationResponse): FastifyReply {
  switch (response.mode) {
    case 'query':
      return reply.header('cache-control', 'no-store').redirect(redirectWith(response.redirectUri, response.params), 302);
    case 'form_post':
      return formPost(reply, locale, response);
    case 'web_message':
      return webMessage(reply, locale, response);
  }
}

/** A completed login: the session cookie, then the response that carries the code. */
export function sendLoginCompletion(reply: FastifyReply, tenant: Tenant, locale: Locale, completion: LoginCompletion): FastifyReply {
  setSessionCookie(reply, tenant, completion.session);
  return sendAuthorizationResponse(reply, locale, completion.response);
}
