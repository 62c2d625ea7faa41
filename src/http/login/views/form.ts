import type { MessageKey, Translator } from '../../../i18n/catalogue.js';
import type { Locale } from '../../../services/tenants.js';
import { escapeHtml } from '../html.js';
import type { PageBranding } from './branding.js';
import { errorField, errorMessageKey, type ErrorField, type MfaErrorKey } from './errors.js';

/** What every MFA screen is given: the page's language and look, and what every one of its forms posts. */
export interface ScreenModel {
  locale: Locale;
  branding: PageBranding;
  /** The sealed login transaction, posted back as the hidden `state` field. */
  state: string;
  /** The CSRF token, posted back as the hidden `csrf` field. */
  csrf: string;
  /** Where the screen's forms post; `/u/<screen name>` when absent (Auth0's paths). */
  formAction?: string;
  error?: MfaErrorKey;
  /** The tenant's custom text for this screen (Auth0's prompt custom text, already mapped to catalogue keys). */
  texts?: Partial<Record<MessageKey, string>>;
}

/** `<form>` with the fields every post carries: `state`, `csrf` and, for the main form, `action`. */
export function formStart(model: ScreenModel, screen: string, action?: string, attributes = ''): string {
  const target = model.formAction ?? `/u/${screen}`;
  return `<form method="post" action="${escapeHtml(target)}"${attributes}>
<input type="hidden" name="state" value="${escapeHtml(model.state)}">
<input type="hidden" name="csrf" value="${escapeHtml(model.csrf)}">${action ? `\n<input type="hidden" name="action" value="${escapeHtml(action)}">` : ''}`;
}

/** A secondary action ("Resend", "Try another method"): its own small form with one link-styled button. */
export function actionButton(model: ScreenModel, screen: string, action: string, label: string, extra = ''): string {
  return `${formStart(model, screen)}
<button type="submit" class="link" name="action" value="${escapeHtml(action)}"${extra}>${escapeHtml(label)}</button>
</form>`;
}

/** The error box at the top of the form, for errors not about one field. */
export function pageError(model: ScreenModel, t: Translator): string {
  if (!model.error || errorField(model.error)) return '';
  return `<p class="error" role="alert">${escapeHtml(t(errorMessageKey(model.error)))}</p>`;
}

/**
 * The error under `field`, if the model's error is about it, with the attributes its input needs: the id goes
 * into the input's `aria-describedby` and the input gets `aria-invalid`.
 */
export function fieldError(model: ScreenModel, t: Translator, field: ErrorField): { html: string; id?: string; invalid: string } {
  if (!model.error || errorField(model.error) !== field) return { html: '', invalid: '' };
  const id = `${field}-error`;
  return { html: `<p class="field-error" id="${id}" role="alert">${escapeHtml(t(errorMessageKey(model.error)))}</p>`, id, invalid: ' aria-invalid="true"' };
}

/** `aria-describedby` over the ids given (hint, error, live feedback), or nothing. */
export function describedBy(...ids: Array<string | undefined>): string {
  const list = ids.filter(Boolean);
  return list.length ? ` aria-describedby="${list.join(' ')}"` : '';
}

/** Translated text, escaped, with `{name}` variables replaced by markup (already escaped by the caller). */
export function withMarkup(t: Translator, key: Parameters<Translator>[0], markup: Record<string, string>): string {
  return escapeHtml(t(key)).replace(/\{(\w+)\}/g, (whole, name: string) => markup[name] ?? whole);
}
