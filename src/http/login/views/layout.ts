import type { Locale } from '../../../services/tenants.js';
import { escapeHtml } from '../html.js';
import { logoUrlOf, themeCss, type PageBranding } from './branding.js';
import { ENHANCE_SCRIPT } from './enhance.js';
import { BASE_CSS } from './styles.js';

export interface LayoutInput {
  locale: Locale;
  /** The document title (plain text). */
  title: string;
  branding?: PageBranding;
  /** The content of `<main>`, already escaped markup, with the page's one `<h1>`. */
  body: string;
  /** Adds the enhancement script (the MFA screens); the login and error pages have none. */
  enhance?: boolean;
}

/** The tenant's logo (alt = its name), or its name as text; nothing without branding. */
function brandHeader(branding: PageBranding | undefined): string {
  if (!branding) return '';
  const logo = logoUrlOf(branding);
  const content = logo
    ? `<img src="${escapeHtml(logo.href)}" alt="${escapeHtml(branding.name)}">`
    : `<span>${escapeHtml(branding.name)}</span>`;
  return `<header class="brand">${content}</header>\n`;
}

/** A complete page: the shell every login and MFA screen shares. */
export function layout({ locale, title, branding, body, enhance = false }: LayoutInput): string {
  const theme = themeCss(branding);
  const script = enhance ? `<script>${ENHANCE_SCRIPT}</script>` : '';
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><meta name="color-scheme" content="light"><title>${escapeHtml(title)}</title><style>${BASE_CSS}</style>${theme ? `<style>${theme}</style>` : ''}</head>
<body>${brandHeader(branding)}<main>${body}</main>${script}</body></html>`;
}
