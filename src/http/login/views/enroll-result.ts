import { translator } from '../../../i18n/catalogue.js';
import type { Locale } from '../../../services/tenants.js';
import { escapeHtml } from '../html.js';
import type { PageBranding } from './branding.js';
import { layout } from './layout.js';

export interface EnrollResultModel {
  locale: Locale;
  branding: PageBranding;
}

export type TicketProblem = 'expired' | 'used' | 'invalid';

export interface EnrollTicketErrorModel extends EnrollResultModel {
  problem: TicketProblem;
}

/** mfa-enroll-result: an enrolment ticket's flow has finished ("You're all set"); nothing to post. */
export function mfaEnrollResultPage(model: EnrollResultModel): string {
  const t = translator(model.locale);
  return layout({
    locale: model.locale,
    title: t('mfa.result.title'),
    branding: model.branding,
    body: `<h1>${escapeHtml(t('mfa.result.title'))}</h1>
<p>${escapeHtml(t('mfa.result.lead'))}</p>
<p>${escapeHtml(t('mfa.result.close'))}</p>`,
  });
}

/** An enrolment ticket that cannot be used (expired, already used, unknown): what to do next. */
export function mfaEnrollTicketErrorPage(model: EnrollTicketErrorModel): string {
  const t = translator(model.locale);
  return layout({
    locale: model.locale,
    title: t('mfa.ticket.title'),
    branding: model.branding,
    body: `<h1>${escapeHtml(t('mfa.ticket.title'))}</h1>
<p class="error" role="alert">${escapeHtml(t(`mfa.ticket.${model.problem}`, { tenant: model.branding.name }))}</p>`,
  });
}
