import type { Locale } from '../../src/services/tenants.js';
import type { PageBranding } from '../../src/http/login/views/index.js';
import * as views from '../../src/http/login/views/index.js';

/** Every screen with a representative model, shared by the unit test and the browser test. */
export interface ScreenCase {
  name: string;
  /** Renders the screen; `fill` is put in every free-text model field (hostile strings in the escaping test). */
  render: (locale: Locale, options?: { fill?: string; branding?: PageBranding; error?: views.MfaErrorKey }) => string;
  /** The screen has a code input the keyboard must reach before the submit button. */
  codeInput?: boolean;
  enhance: boolean;
}

export const BRANDING: PageBranding = { name: 'Acme 商事', primaryColor: '#ffcc00', pageBackground: '#0b1f3a' };

const base = (locale: Locale, fill: string | undefined, branding: PageBranding | undefined, error?: views.MfaErrorKey) => ({
  locale,
  branding: branding ?? (fill ? { name: fill, logoUrl: `https://cdn.example/${fill}.png` } : BRANDING),
  state: fill ?? 'sealed-state.token',
  csrf: fill ?? 'csrf-token',
  ...(error ? { error } : {}),
});

export const SCREENS: ScreenCase[] = [
  {
    name: 'login',
    enhance: false,
    render: (locale, { fill, branding } = {}) =>
      views.loginPage({ locale, tenantName: fill ?? 'Acme', applicationName: fill ?? 'Acme app', state: fill ?? 'tx', username: fill ?? '', branding: base(locale, fill, branding).branding }),
  },
  {
    name: 'error',
    enhance: false,
    render: (locale, { fill, branding } = {}) => views.errorPage(locale, 'error.unknown_client', { clientId: fill ?? 'abc' }, base(locale, fill, branding).branding),
  },
  {
    name: 'mfa-phone-enrollment',
    enhance: true,
    render: (locale, { fill, branding, error } = {}) =>
      views.mfaPhoneEnrollmentPage({ ...base(locale, fill, branding, error), phone: fill ?? '', showTryAnotherMethod: true, formAction: fill }),
  },
  {
    name: 'mfa-sms-enrollment',
    enhance: true,
    render: (locale, { fill, branding, error } = {}) =>
      views.mfaSmsEnrollmentPage({ ...base(locale, fill, branding, error), allowedCountries: ['JP', 'US', 'GB'], country: fill ?? 'GB', phone: fill }),
  },
  {
    name: 'mfa-voice-enrollment',
    enhance: true,
    render: (locale, { fill, branding, error } = {}) => views.mfaVoiceEnrollmentPage({ ...base(locale, fill, branding, error), phone: fill }),
  },
  {
    name: 'mfa-sms-challenge',
    enhance: true,
    codeInput: true,
    render: (locale, { fill, branding, error } = {}) =>
      views.mfaSmsChallengePage({
        ...base(locale, fill, branding, error),
        phoneNumber: fill ?? '+819012345678',
        showRememberDevice: true,
        resendAvailableInSeconds: 30,
        showLinkVoice: true,
        showTryAnotherMethod: true,
      }),
  },
  {
    name: 'mfa-voice-challenge',
    enhance: true,
    codeInput: true,
    render: (locale, { fill, branding, error } = {}) =>
      views.mfaVoiceChallengePage({ ...base(locale, fill, branding, error), phoneNumber: fill ?? '+14155550100', showLinkSms: true, showTryAnotherMethod: true }),
  },
  {
    name: 'mfa-phone-challenge',
    enhance: true,
    render: (locale, { fill, branding, error } = {}) =>
      views.mfaPhoneChallengePage({ ...base(locale, fill, branding, error), phoneNumber: fill ?? '+819012345678', showTryAnotherMethod: true }),
  },
  {
    name: 'mfa-login-options',
    enhance: true,
    render: (locale, { fill, branding, error } = {}) =>
      views.mfaLoginOptionsPage({ ...base(locale, fill, branding, error), options: ['sms', 'voice', 'recovery-code'], showBack: true }),
  },
  {
    name: 'mfa-recovery-code-challenge',
    enhance: true,
    codeInput: true,
    render: (locale, { fill, branding, error } = {}) => views.mfaRecoveryCodeChallengePage({ ...base(locale, fill, branding, error), showTryAnotherMethod: true }),
  },
  {
    name: 'mfa-recovery-code-enrollment',
    enhance: true,
    render: (locale, { fill, branding, error } = {}) =>
      views.mfaRecoveryCodeEnrollmentPage({ ...base(locale, fill, branding, error), recoveryCode: fill ?? 'K7Q2M9XDWP4R8T6YB3NC5HJF' }),
  },
  {
    name: 'mfa-enroll-result',
    enhance: false,
    render: (locale, { fill, branding } = {}) => views.mfaEnrollResultPage({ locale, branding: base(locale, fill, branding).branding }),
  },
  {
    name: 'mfa-enroll-ticket-expired',
    enhance: false,
    render: (locale, { fill, branding } = {}) => views.mfaEnrollTicketErrorPage({ locale, branding: base(locale, fill, branding).branding, problem: 'expired' }),
  },
];
