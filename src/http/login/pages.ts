import { translator, type MessageKey } from '../../i18n/catalogue.js';
import type { Locale } from '../../services/tenants.js';
import { escapeHtml, layout } from './html.js';

export interface LoginPageModel {
  locale: Locale;
  tenantName: string;
  applicationName: string;
  transaction: string;
  username?: string;
  error?: MessageKey;
}

/** The minimal login form (Universal Login replaces it later). It posts to `/u/login` with the transaction. */
export function loginPage(model: LoginPageModel): string {
  const t = translator(model.locale);
  const vars = { tenant: model.tenantName, application: model.applicationName };
  const error = model.error ? `<p class="error" role="alert">${escapeHtml(t(model.error, vars))}</p>` : '';
  return layout(
    model.locale,
    t('login.title'),
    `<h1>${escapeHtml(t('login.heading'))}</h1>
<p>${escapeHtml(t('login.lead', vars))}</p>${error}
<form method="post" action="/u/login">
<input type="hidden" name="transaction" value="${escapeHtml(model.transaction)}">
<label for="username">${escapeHtml(t('login.username'))}</label>
<input id="username" name="username" type="text" autocomplete="username" required value="${escapeHtml(model.username ?? '')}">
<label for="password">${escapeHtml(t('login.password'))}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">${escapeHtml(t('login.submit'))}</button>
</form>`,
  );
}

/** An error the browser shows because there is nowhere safe to send the user back to. */
export function errorPage(locale: Locale, key: MessageKey, vars: Record<string, string> = {}): string {
  const t = translator(locale);
  return layout(
    locale,
    t('error.title'),
    `<h1>${escapeHtml(t('error.title'))}</h1><p class="error" role="alert">${escapeHtml(t(key, vars))}</p><p>${escapeHtml(t('error.back'))}</p>`,
  );
}
