import { customisedTranslator } from '../../../i18n/custom-text.js';
import { callingCountries, defaultCountryFor } from '../../../domain/calling-codes.js';
import type { Translator } from '../../../i18n/catalogue.js';
import { escapeHtml } from '../html.js';
import { actionButton, describedBy, fieldError, formStart, pageError, type ScreenModel } from './form.js';
import { layout } from './layout.js';

export interface PhoneEnrollmentModel extends ScreenModel {
  /** ISO alpha-2 codes the tenant's country rules allow; every country libphonenumber knows when absent. */
  allowedCountries?: readonly string[];
  /** The picked country (after an error), else a default from the locale. */
  country?: string;
  /** The national number as typed, shown again after an error. */
  phone?: string;
  /** mfa-phone-enrollment only: the channel picked (default `sms`). */
  type?: 'sms' | 'voice';
  showTryAnotherMethod?: boolean;
}

type Channel = 'phone' | 'sms' | 'voice';

/** `<select name="country_code">`: localised names with their calling codes; the value is the ISO code. */
function countryPicker(model: PhoneEnrollmentModel, t: Translator): string {
  const countries = callingCountries(model.locale, model.allowedCountries);
  const wanted = [model.country?.toUpperCase(), defaultCountryFor(model.locale)];
  const selected = wanted.find((c) => countries.some((x) => x.country === c)) ?? countries[0]?.country;
  const options = countries
    .map(
      (c) =>
        `<option value="${c.country}" data-cc="${c.callingCode}"${c.country === selected ? ' selected' : ''}>${escapeHtml(t('mfa.enroll.country_option', { name: c.name, code: c.callingCode }))}</option>`,
    )
    .join('');
  return `<label for="country_code">${escapeHtml(t('mfa.enroll.country'))}</label>
<select id="country_code" name="country_code" autocomplete="country" required>${options}</select>`;
}

function channelPicker(model: PhoneEnrollmentModel, t: Translator): string {
  const picked = model.type ?? 'sms';
  const radio = (value: 'sms' | 'voice') =>
    `<label class="radio"><input type="radio" name="type" value="${value}"${picked === value ? ' checked' : ''}> ${escapeHtml(t(`mfa.channel.${value}`))}</label>`;
  return `<fieldset><legend>${escapeHtml(t('mfa.enroll.channel'))}</legend>
${radio('sms')}
${radio('voice')}
</fieldset>`;
}

function enrollment(channel: Channel, model: PhoneEnrollmentModel): string {
  const screen = `mfa-${channel}-enrollment`;
  const t = customisedTranslator(model.locale, model.texts);
  const error = fieldError(model, t, 'phone');
  const phone = `<label for="phone">${escapeHtml(t('mfa.enroll.phone'))}</label>
<input id="phone" name="phone" type="tel" autocomplete="tel-national" inputmode="tel" required maxlength="32" value="${escapeHtml(model.phone ?? '')}"${describedBy('phone-hint', error.id, 'phone-check')}${error.invalid} data-phone-check="phone-check">
<p class="hint" id="phone-hint">${escapeHtml(t('mfa.enroll.phone_hint'))}</p>${error.html}
<p class="hint live" id="phone-check" aria-live="polite" data-digits="${escapeHtml(t('mfa.enroll.check_digits'))}" data-length="${escapeHtml(t('mfa.enroll.check_length'))}"></p>`;
  const other = model.showTryAnotherMethod ? `<div class="actions">${actionButton(model, screen, 'pick-authenticator', t('mfa.try_another'))}</div>` : '';
  return layout({
    locale: model.locale,
    title: t('mfa.title.enroll'),
    branding: model.branding,
    enhance: true,
    body: `<h1>${escapeHtml(t('mfa.title.enroll'))}</h1>
<p>${escapeHtml(t(`mfa.enroll.lead.${channel}`))}</p>${pageError(model, t)}
${formStart(model, screen, 'default')}
${channel === 'phone' ? channelPicker(model, t) : ''}
${countryPicker(model, t)}
${phone}
<button type="submit" class="primary">${escapeHtml(t('mfa.continue'))}</button>
</form>${other}`,
  });
}

/** mfa-phone-enrollment: SMS and voice both enabled, the user picks (`type=sms|voice`), then the number. */
export const mfaPhoneEnrollmentPage = (model: PhoneEnrollmentModel): string => enrollment('phone', model);
/** mfa-sms-enrollment: only SMS enabled. */
export const mfaSmsEnrollmentPage = (model: PhoneEnrollmentModel): string => enrollment('sms', model);
/** mfa-voice-enrollment: only voice enabled. */
export const mfaVoiceEnrollmentPage = (model: PhoneEnrollmentModel): string => enrollment('voice', model);
