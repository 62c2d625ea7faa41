import type { FastifyReply } from 'fastify';
import { logoUrlOf, themeCss, type PageBranding } from './views/branding.js';
import { ENHANCE_SCRIPT_HASH } from './views/enhance.js';
import { BASE_CSS_HASH, cspHash } from './views/styles.js';

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export interface PageOptions {
  /** Origins a form on the page may reach, including through the redirect that answers it. */
  formTargets?: string[];
  /** The branding the page was rendered with: its theme block and logo origin join the policy. */
  branding?: PageBranding;
}

/**
 * The page's Content-Security-Policy. Inline blocks are allowed by the hash of the text Guardline itself
 * writes (base style, the tenant's theme, the one enhancement script), never by scanning the page, so an
 * injected `<script>` stays blocked even if escaping failed somewhere.
 */
export function contentSecurityPolicy({ formTargets = [], branding }: PageOptions = {}): string {
  const theme = themeCss(branding);
  const styles = [BASE_CSS_HASH, ...(theme ? [cspHash(theme)] : [])].join(' ');
  const logo = logoUrlOf(branding);
  const images = ["'self'", ...(logo ? [logo.origin] : [])].join(' ');
  const formAction = ["'self'", ...formTargets].join(' ');
  return `default-src 'none'; style-src ${styles}; script-src ${ENHANCE_SCRIPT_HASH}; img-src ${images}; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`;
}

/**
 * Sends a page with its security headers. The fourth argument is either the form targets (as before) or
 * `{ formTargets, branding }`: pass the same branding the view was given, or its colours and logo are blocked.
 * (Browsers apply `form-action` to the redirect that answers a post, hence the client's origin.)
 */
export function sendPage(reply: FastifyReply, status: number, html: string, options: string[] | PageOptions = []): FastifyReply {
  const policy = contentSecurityPolicy(Array.isArray(options) ? { formTargets: options } : options);
  return reply
    .code(status)
    .headers({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': policy,
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    })
    .send(html);
}
