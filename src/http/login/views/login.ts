import { translator, type MessageKey } from '../../../i18n/catalogue.js';
import type { Locale } from '../../../services/tenants.js';
import { escapeHtml } from '../html.js';
import type { PageBranding } from './branding.js';
import { layout } from './layout.js';

export interface LoginPageModel {
  locale: Locale;
  tenantName: string;
  applicationName: string;
  /** The sealed login state (services/login-state.ts), posted back as the hidden `state` field. */
  state: string;
  username?: string;
  error?: MessageKey;
  /** The tenant's look; its name alone when absent. */
  branding?: PageBranding;
}

/** The login form (username/email + password). It posts to `/u/login` with the login state. No script. */
export function loginPage(model: LoginPageModel): string {
  const t = translator(model.locale);
  const vars = { tenant: model.tenantName, application: model.applicationName };
  const error = model.error ? `<p class="error" role="alert">${escapeHtml(t(model.error, vars))}</p>` : '';
  return layout({
    locale: model.locale,
    title: t('login.title'),
    branding: model.branding ?? { name: model.tenantName },
    body: `<h1>${escapeHtml(t('login.heading'))}</h1>
<p>${escapeHtml(t('login.lead', vars))}</p>${error}
<form method="post" action="/u/login">
<input type="hidden" name="state" value="${escapeHtml(model.state)}">
<label for="username">${escapeHtml(t('login.username'))}</label>
<input id="username" name="username" type="text" autocomplete="username" required value="${escapeHtml(model.username ?? '')}">
<label for="password">${escapeHtml(t('login.password'))}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" class="primary">${escapeHtml(t('login.submit'))}</button>
</form>`,
  });
}
