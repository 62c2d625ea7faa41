/**
 * The error keys an MFA screen can show: Auth0's Universal Login keys (reference §8) plus Guardline's
 * `code-expired`, `invalid-recovery-code`, `phone-not-allowed` (country rules), `unavailable` and Auth0's
 * recovery-screen `no-confirmation`. Each has a text `mfa.error.<key>` in every locale.
 */
export const MFA_ERROR_KEYS = [
  'send-sms-failed',
  'send-voice-failed',
  'sms-authenticator-error',
  'voice-authenticator-error',
  'invalid-phone-format',
  'invalid-phone',
  'too-many-sms',
  'too-many-voice',
  'too-many-failures',
  'invalid-code',
  'invalid-otp-code-format',
  'transaction-not-found',
  'no-phone',
  'no-code',
  'code-expired',
  'invalid-recovery-code',
  'phone-not-allowed',
  'unavailable',
  'no-confirmation',
] as const;

export type MfaErrorKey = (typeof MFA_ERROR_KEYS)[number];

/** Which input an error is about: it is then shown under that input and tied to it (`aria-describedby`). */
export type ErrorField = 'phone' | 'code' | 'saved';

const FIELD: Partial<Record<MfaErrorKey, ErrorField>> = {
  'invalid-phone-format': 'phone',
  'invalid-phone': 'phone',
  'no-phone': 'phone',
  'phone-not-allowed': 'phone',
  'invalid-code': 'code',
  'invalid-otp-code-format': 'code',
  'no-code': 'code',
  'code-expired': 'code',
  'invalid-recovery-code': 'code',
  'no-confirmation': 'saved',
};

export const errorField = (key: MfaErrorKey | undefined): ErrorField | undefined => (key ? FIELD[key] : undefined);
export const errorMessageKey = (key: MfaErrorKey) => `mfa.error.${key}` as const;
