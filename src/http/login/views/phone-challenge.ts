import { customisedTranslator } from '../../../i18n/custom-text.js';
import { maskPhoneNumber } from '../../../domain/phone-number.js';
import { escapeHtml } from '../html.js';
import { actionButton, formStart, pageError, withMarkup, type ScreenModel } from './form.js';
import { layout } from './layout.js';

export interface PhoneChallengeModel extends ScreenModel {
  /** The enrolled number (E.164), shown masked. */
  phoneNumber: string;
  showTryAnotherMethod?: boolean;
}

const SCREEN = 'mfa-phone-challenge';

/** mfa-phone-challenge: pick how the code comes (`type=sms|voice`), one button each. */
export function mfaPhoneChallengePage(model: PhoneChallengeModel): string {
  const t = customisedTranslator(model.locale, model.texts);
  const phone = `<span class="number">${escapeHtml(maskPhoneNumber(model.phoneNumber))}</span>`;
  const choice = (type: 'sms' | 'voice') =>
    `<button type="submit" class="option" name="type" value="${type}">${escapeHtml(t(`mfa.channel.${type}`))}</button>`;
  const other = model.showTryAnotherMethod ? `<div class="actions">${actionButton(model, SCREEN, 'pick-authenticator', t('mfa.try_another'))}</div>` : '';
  return layout({
    locale: model.locale,
    title: t('mfa.title.verify'),
    branding: model.branding,
    enhance: true,
    body: `<h1>${escapeHtml(t('mfa.title.verify'))}</h1>
<p id="channel-question">${withMarkup(t, 'mfa.phone_challenge.lead', { phone })}</p>${pageError(model, t)}
${formStart(model, SCREEN, 'default', ' aria-labelledby="channel-question"')}
${choice('sms')}
${choice('voice')}
</form>${other}`,
  });
}
