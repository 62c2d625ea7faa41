import { customisedTranslator } from '../../../i18n/custom-text.js';
import { escapeHtml } from '../html.js';
import { actionButton, describedBy, fieldError, formStart, pageError, type ScreenModel } from './form.js';
import { layout } from './layout.js';

export interface RecoveryCodeChallengeModel extends ScreenModel {
  showTryAnotherMethod?: boolean;
}

const SCREEN = 'mfa-recovery-code-challenge';

/** mfa-recovery-code-challenge: the recovery code (`code`) instead of a phone code. */
export function mfaRecoveryCodeChallengePage(model: RecoveryCodeChallengeModel): string {
  const t = customisedTranslator(model.locale, model.texts);
  const error = fieldError(model, t, 'code');
  const other = model.showTryAnotherMethod ? `<div class="actions">${actionButton(model, SCREEN, 'pick-authenticator', t('mfa.try_another'))}</div>` : '';
  return layout({
    locale: model.locale,
    title: t('mfa.title.verify'),
    branding: model.branding,
    enhance: true,
    body: `<h1>${escapeHtml(t('mfa.title.verify'))}</h1>
<p>${escapeHtml(t('mfa.recovery.lead'))}</p>${pageError(model, t)}
${formStart(model, SCREEN, 'default')}
<label for="code">${escapeHtml(t('mfa.recovery.code'))}</label>
<input id="code" name="code" type="text" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="64" required autofocus${describedBy(error.id)}${error.invalid}>${error.html}
<button type="submit" class="primary">${escapeHtml(t('mfa.continue'))}</button>
</form>${other}`,
  });
}
