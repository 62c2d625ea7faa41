import { translator, type MessageKey } from '../../../i18n/catalogue.js';
import type { Locale } from '../../../services/tenants.js';
import { escapeHtml } from '../html.js';
import type { PageBranding } from './branding.js';
import { layout } from './layout.js';

/** An error the browser shows because there is nowhere safe to send the user back to. */
export function errorPage(locale: Locale, key: MessageKey, vars: Record<string, string> = {}, branding?: PageBranding): string {
  const t = translator(locale);
  return layout({
    locale,
    title: t('error.title'),
    branding,
    body: `<h1>${escapeHtml(t('error.title'))}</h1><p class="error" role="alert">${escapeHtml(t(key, vars))}</p><p>${escapeHtml(t('error.back'))}</p>`,
  });
}
