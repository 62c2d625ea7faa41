import { customisedTranslator } from '../../../i18n/custom-text.js';
import { maskPhoneNumber } from '../../../domain/phone-number.js';
import type { Translator } from '../../../i18n/catalogue.js';
import { escapeHtml } from '../html.js';
import { actionButton, describedBy, fieldError, formStart, pageError, withMarkup, type ScreenModel } from './form.js';
import { layout } from './layout.js';

export interface CodeChallengeModel extends ScreenModel {
  /** The enrolled number (E.164). The page shows it masked, never in full. */
  phoneNumber: string;
  /** Digits in a code (the tenant's OTP length); 6 by default. */
  otpLength?: number;
  showRememberDevice?: boolean;
  /** Seconds before "Resend" can be used; 0 or absent = now. */
  resendAvailableInSeconds?: number;
  /** mfa-sms-challenge: offer "Or get a call" (`action=switch-to-voice`). */
  showLinkVoice?: boolean;
  /** mfa-voice-challenge: offer "Or send a text" (`action=switch-to-sms`). */
  showLinkSms?: boolean;
  showTryAnotherMethod?: boolean;
}

type Channel = 'sms' | 'voice';

/** "Didn't receive a code?" + Resend, disabled with a countdown while the server would refuse a resend. */
function resend(model: CodeChallengeModel, screen: string, channel: Channel, t: Translator): string {
  const wait = Math.max(0, Math.ceil(model.resendAvailableInSeconds ?? 0));
  const waiting = wait > 0 ? ` disabled data-countdown="${wait}" data-wait="resend-wait" aria-describedby="resend-wait"` : '';
  const waitText = wait > 0 ? `\n<p class="hint" id="resend-wait">${withMarkup(t, 'mfa.resend.wait', { seconds: `<span data-seconds>${wait}</span>` })}</p>` : '';
  return `<p>${escapeHtml(t('mfa.resend.question'))}</p>
${actionButton(model, screen, 'resend-code', t(`mfa.resend.${channel}`), waiting)}${waitText}`;
}

function challenge(channel: Channel, model: CodeChallengeModel): string {
  const screen = `mfa-${channel}-challenge`;
  const t = customisedTranslator(model.locale, model.texts);
  const length = Math.min(12, Math.max(4, Math.floor(model.otpLength ?? 6)));
  const error = fieldError(model, t, 'code');
  const remember = model.showRememberDevice
    ? `\n<label class="check"><input type="checkbox" name="rememberBrowser" value="true"> ${escapeHtml(t('mfa.challenge.remember'))}</label>`
    : '';
  const webotp = channel === 'sms' ? ' data-webotp' : '';
  const switchLink =
    channel === 'sms' && model.showLinkVoice
      ? actionButton(model, screen, 'switch-to-voice', t('mfa.switch.voice'))
      : channel === 'voice' && model.showLinkSms
        ? actionButton(model, screen, 'switch-to-sms', t('mfa.switch.sms'))
        : '';
  const other = model.showTryAnotherMethod ? actionButton(model, screen, 'pick-authenticator', t('mfa.try_another')) : '';
  return layout({
    locale: model.locale,
    title: t('mfa.title.verify'),
    branding: model.branding,
    enhance: true,
    body: `<h1>${escapeHtml(t('mfa.title.verify'))}</h1>
<p>${escapeHtml(t(`mfa.challenge.sent.${channel}`))}</p>
<p class="number">${escapeHtml(maskPhoneNumber(model.phoneNumber))}</p>${pageError(model, t)}
${formStart(model, screen, 'default')}
<label for="code">${escapeHtml(t('mfa.challenge.code', { length: String(length) }))}</label>
<input id="code" name="code" class="otp" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{${length}}" minlength="${length}" maxlength="${length}" required autofocus title="${escapeHtml(t('mfa.error.invalid-otp-code-format'))}"${describedBy(error.id)}${error.invalid} data-otp${webotp}>${error.html}${remember}
<button type="submit" class="primary">${escapeHtml(t('mfa.continue'))}</button>
</form>
<div class="actions">
${resend(model, screen, channel, t)}
${switchLink}
${other}
</div>`,
  });
}

/** mfa-sms-challenge: the code sent by text message (WebOTP fills it where the browser can). */
export const mfaSmsChallengePage = (model: CodeChallengeModel): string => challenge('sms', model);
/** mfa-voice-challenge: the code read out in a call. */
export const mfaVoiceChallengePage = (model: CodeChallengeModel): string => challenge('voice', model);
