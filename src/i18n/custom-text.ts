import type { CustomText } from '../domain/prompt-custom-text.js';
import type { Locale } from '../services/tenants.js';
import { translate, type MessageKey, type Translator } from './catalogue.js';

/**
 * Auth0's custom text keys of the screens Guardline renders, and the catalogue text each replaces. A key not
 * here is stored and returned by the Management API but changes nothing on Guardline's pages (docs/login.md).
 */
export const SCREEN_TEXT_KEYS: Record<string, Record<string, MessageKey>> = {
  'mfa-sms-challenge': { title: 'mfa.title.verify', description: 'mfa.challenge.sent.sms', buttonText: 'mfa.continue', rememberMeText: 'mfa.challenge.remember', resendText: 'mfa.resend.question', resendActionText: 'mfa.resend.sms', resendVoiceActionText: 'mfa.switch.voice', pickAuthenticatorText: 'mfa.try_another' },
  'mfa-voice-challenge': { title: 'mfa.title.verify', description: 'mfa.challenge.sent.voice', buttonText: 'mfa.continue', rememberMeText: 'mfa.challenge.remember', resendText: 'mfa.resend.question', resendActionText: 'mfa.resend.voice', resendSmsActionText: 'mfa.switch.sms', pickAuthenticatorText: 'mfa.try_another' },
  'mfa-sms-enrollment': { title: 'mfa.title.enroll', description: 'mfa.enroll.lead.sms', buttonText: 'mfa.continue', placeholder: 'mfa.enroll.phone', pickAuthenticatorText: 'mfa.try_another' },
  'mfa-voice-enrollment': { title: 'mfa.title.enroll', description: 'mfa.enroll.lead.voice', buttonText: 'mfa.continue', placeholder: 'mfa.enroll.phone', pickAuthenticatorText: 'mfa.try_another' },
  'mfa-phone-enrollment': { title: 'mfa.title.enroll', description: 'mfa.enroll.lead.phone', buttonText: 'mfa.continue', placeholder: 'mfa.enroll.phone', pickAuthenticatorText: 'mfa.try_another' },
  'mfa-phone-challenge': { title: 'mfa.title.verify', buttonText: 'mfa.continue', pickAuthenticatorText: 'mfa.try_another' },
  'mfa-recovery-code-challenge': { title: 'mfa.title.verify', description: 'mfa.recovery.lead', buttonText: 'mfa.continue', placeholder: 'mfa.recovery.code', pickAuthenticatorText: 'mfa.try_another' },
  'mfa-recovery-code-enrollment': { title: 'mfa.recovery.enroll.title', description: 'mfa.recovery.enroll.lead', checkboxText: 'mfa.recovery.enroll.confirm', buttonText: 'mfa.continue' },
  'mfa-login-options': { title: 'mfa.options.title', backText: 'mfa.back' },
};

/** The overrides one screen gets from a tenant's custom text (`{prompt: {screen: {key: text}}}` in one language). */
export function screenOverrides(screen: string, texts: Record<string, CustomText>): Partial<Record<MessageKey, string>> {
  const keys = SCREEN_TEXT_KEYS[screen];
  if (!keys) return {};
  const overrides: Partial<Record<MessageKey, string>> = {};
  for (const custom of Object.values(texts)) {
    for (const [key, text] of Object.entries(custom[screen] ?? {})) {
      const target = keys[key];
      if (target) overrides[target] = text;
    }
  }
  return overrides;
}

/** A translator that says a tenant's custom text where it has one, and the catalogue's text elsewhere. */
export function customisedTranslator(locale: Locale, overrides: Partial<Record<MessageKey, string>> | undefined): Translator {
  if (!overrides || Object.keys(overrides).length === 0) return (key, vars) => translate(locale, key, vars);
  return (key, vars = {}) => {
    const custom = overrides[key];
    return custom === undefined ? translate(locale, key, vars) : custom.replace(/\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole);
  };
}
