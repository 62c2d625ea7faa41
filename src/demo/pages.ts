import { createHash } from 'node:crypto';
import { escapeHtml } from '../http/login/html.js';
import type { Translator } from '../i18n/catalogue.js';
import type { Locale } from '../services/tenants.js';

/** The demo application's pages: server-rendered, no script, one inline style allowed by its hash. */

const CSS = `body{font-family:system-ui,-apple-system,"Hiragino Sans","Noto Sans JP",sans-serif;background:#f4f5f7;margin:0;color:#1d2430}
main{max-width:44rem;margin:2rem auto;background:#fff;padding:1.5rem 2rem;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.12)}
h1{font-size:1.4rem;margin:0 0 .5rem}p{line-height:1.5}nav{display:flex;gap:1rem;justify-content:flex-end;font-size:.9rem}
a.button{display:inline-block;background:#1f4fd1;color:#fff;padding:.6rem 1.2rem;border-radius:4px;text-decoration:none;font-weight:600}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{text-align:left;border-bottom:1px solid #dde1e7;padding:.35rem .5rem;vertical-align:top}
td{font-family:ui-monospace,monospace;word-break:break-all;white-space:pre-wrap}.error{color:#a3141c}`;

export const PAGE_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(CSS).digest('base64')}'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`;

export interface PageFrame {
  locale: Locale;
  t: Translator;
  /** The same page in the other language. */
  otherLanguageHref: string;
}

function layout(frame: PageFrame, title: string, body: string): string {
  return `<!doctype html>
<html lang="${frame.locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${CSS}</style></head>
<body><main>
<nav><a href="${escapeHtml(frame.otherLanguageHref)}" lang="${frame.locale === 'en' ? 'ja' : 'en'}">${escapeHtml(frame.t('demo.language'))}</a></nav>
${body}
</main></body></html>`;
}

export interface HomeModel {
  mfa: boolean;
  userEmail: string;
  inboxHref: string;
  /** The ID token's claims once logged in. */
  claims?: Record<string, unknown>;
}

export function homePage(frame: PageFrame, model: HomeModel): string {
  const { t } = frame;
  const intro = `<h1>${escapeHtml(t('demo.title'))}</h1><p>${escapeHtml(t('demo.lead'))}</p>`;
  const inbox = `<p><a href="${escapeHtml(model.inboxHref)}">${escapeHtml(t('demo.inbox_link'))}</a></p>`;
  if (!model.claims) {
    return layout(
      frame,
      t('demo.title'),
      `${intro}<p>${escapeHtml(t('demo.signed_out'))}</p>
<p><a class="button" href="/login?ui_locales=${frame.locale}">${escapeHtml(t('demo.login'))}</a></p>
<p>${escapeHtml(t('demo.credentials', { email: model.userEmail }))}</p>
<p>${escapeHtml(t(model.mfa ? 'demo.mfa_on' : 'demo.mfa_off'))}</p>${inbox}`,
    );
  }
  const claims = model.claims;
  const name = String(claims.email ?? claims.name ?? claims.sub ?? '');
  const amr = Array.isArray(claims.amr) && claims.amr.length > 0 ? claims.amr.join(', ') : t('demo.amr_none');
  const rows = Object.entries(claims)
    .map(([key, value]) => `<tr><th scope="row">${escapeHtml(key)}</th><td>${escapeHtml(typeof value === 'string' ? value : JSON.stringify(value))}</td></tr>`)
    .join('\n');
  return layout(
    frame,
    t('demo.title'),
    `${intro}<p>${escapeHtml(t('demo.signed_in', { name }))}</p>
<p id="amr">${escapeHtml(t('demo.amr', { amr }))}</p>
<h2>${escapeHtml(t('demo.claims'))}</h2>
<table id="claims">${rows}</table>
<p><a class="button" href="/logout">${escapeHtml(t('demo.logout'))}</a></p>${inbox}`,
  );
}

export interface InboxMessage {
  to: string;
  body: string;
  created_at: string;
}

export function inboxPage(frame: PageFrame, messages: InboxMessage[]): string {
  const { t } = frame;
  const list =
    messages.length === 0
      ? `<p>${escapeHtml(t('demo.inbox.empty'))}</p>`
      : `<table id="messages"><tr><th scope="col">${escapeHtml(t('demo.inbox.at'))}</th><th scope="col">${escapeHtml(t('demo.inbox.to'))}</th><th scope="col">${escapeHtml(t('demo.inbox.body'))}</th></tr>
${messages.map((m) => `<tr><td>${escapeHtml(m.created_at)}</td><td>${escapeHtml(m.to)}</td><td>${escapeHtml(m.body)}</td></tr>`).join('\n')}</table>`;
  return layout(frame, t('demo.inbox.title'), `<h1>${escapeHtml(t('demo.inbox.title'))}</h1><p>${escapeHtml(t('demo.inbox.lead'))}</p>${list}<p><a href="/">${escapeHtml(t('demo.back'))}</a></p>`);
}

export function errorPage(frame: PageFrame, message: string): string {
  const { t } = frame;
  return layout(frame, t('demo.error.title'), `<h1>${escapeHtml(t('demo.error.title'))}</h1><p class="error" role="alert">${escapeHtml(message)}</p><p><a href="/">${escapeHtml(t('demo.back'))}</a></p>`);
}
