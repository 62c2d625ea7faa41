import { customisedTranslator } from '../../../i18n/custom-text.js';
import { escapeHtml } from '../html.js';
import { describedBy, fieldError, formStart, pageError, type ScreenModel } from './form.js';
import { layout } from './layout.js';

export interface RecoveryCodeEnrollmentModel extends ScreenModel {
  /** The new recovery code, shown this once. */
  recoveryCode: string;
}

const SCREEN = 'mfa-recovery-code-enrollment';

/** Groups of four for reading aloud and copying by hand; a copy of the whole block gives the code without spaces. */
const grouped = (code: string) =>
  (code.replace(/\s+/g, '').match(/.{1,4}/g) ?? []).map((g) => `<span>${escapeHtml(g)}</span>`).join('');

/** mfa-recovery-code-enrollment: the code once, and "I have safely recorded this code" (`saved=true`, required). */
export function mfaRecoveryCodeEnrollmentPage(model: RecoveryCodeEnrollmentModel): string {
  const t = customisedTranslator(model.locale, model.texts);
  const error = fieldError(model, t, 'saved');
  return layout({
    locale: model.locale,
    title: t('mfa.recovery.enroll.title'),
    branding: model.branding,
    enhance: true,
    body: `<h1>${escapeHtml(t('mfa.recovery.enroll.title'))}</h1>
<p>${escapeHtml(t('mfa.recovery.enroll.lead'))}</p>${pageError(model, t)}
<p class="hint" id="recovery-label">${escapeHtml(t('mfa.recovery.enroll.label'))}</p>
<p class="code" role="group" aria-labelledby="recovery-label" translate="no">${grouped(model.recoveryCode)}</p>
${formStart(model, SCREEN, 'default')}
<label class="check"><input type="checkbox" id="saved" name="saved" value="true" required${describedBy(error.id)}${error.invalid}> ${escapeHtml(t('mfa.recovery.enroll.confirm'))}</label>${error.html}
<button type="submit" class="primary">${escapeHtml(t('mfa.continue'))}</button>
</form>`,
  });
}
