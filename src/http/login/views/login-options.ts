import { customisedTranslator } from '../../../i18n/custom-text.js';
import { escapeHtml } from '../html.js';
import { actionButton, formStart, pageError, type ScreenModel } from './form.js';
import { layout } from './layout.js';

export type LoginOption = 'sms' | 'voice' | 'recovery-code';

export interface LoginOptionsModel extends ScreenModel {
  /** The methods the user may switch to, in display order. */
  options: readonly LoginOption[];
  /** Offer "Back" (`action=back-action`) to the screen the user came from. */
  showBack?: boolean;
}

const SCREEN = 'mfa-login-options';

/** mfa-login-options ("Try another method"): one button per method, `action=selection-action::<method>`. */
export function mfaLoginOptionsPage(model: LoginOptionsModel): string {
  const t = customisedTranslator(model.locale, model.texts);
  const buttons = model.options
    .map((o) => `<button type="submit" class="option" name="action" value="selection-action::${o}">${escapeHtml(t(`mfa.options.${o}`))}</button>`)
    .join('\n');
  const back = model.showBack ? `<div class="actions">${actionButton(model, SCREEN, 'back-action', t('mfa.back'))}</div>` : '';
  return layout({
    locale: model.locale,
    title: t('mfa.options.title'),
    branding: model.branding,
    enhance: true,
    body: `<h1>${escapeHtml(t('mfa.options.title'))}</h1>
<p id="options-lead">${escapeHtml(t('mfa.options.lead'))}</p>${pageError(model, t)}
${formStart(model, SCREEN, undefined, ' aria-labelledby="options-lead"')}
${buttons}
</form>${back}`,
  });
}
