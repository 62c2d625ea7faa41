import type { LoginMfaRefusal } from '../../../services/login-mfa/flow.js';
import type { MfaErrorKey } from '../views/errors.js';

/**
 * How a refused step reads on a login page: Auth0's Universal Login error key (reference §8) and the status of the
 * page that shows it. The one place the page surface words the phone core's refusals (the MFA API has its own).
 * `undefined` key: the screen comes back as it was (a resend before its countdown ends shows the countdown).
 */
export function refusalOnPage(refusal: LoginMfaRefusal): { key: MfaErrorKey | undefined; status: number; retryAfterMs?: number } {
  switch (refusal.code) {
    case 'too_many_messages':
      return { key: refusal.channel === 'voice' ? 'too-many-voice' : 'too-many-sms', status: 429, ...(refusal.retryAfterMs !== undefined ? { retryAfterMs: refusal.retryAfterMs } : {}) };
    case 'too_many_failures':
    case 'too_many_exchanges':
      return { key: 'too-many-failures', status: 429, retryAfterMs: refusal.retryAfterMs };
    case 'resend_too_soon':
      return { key: undefined, status: 429, retryAfterMs: refusal.retryAfterMs };
    case 'invalid_code':
    case 'invalid_challenge':
    case 'code_used':
      return { key: 'invalid-code', status: 400 };
    case 'invalid_code_format':
      return { key: 'invalid-otp-code-format', status: 400 };
    case 'code_expired':
      return { key: 'code-expired', status: 400 };
    case 'invalid_phone':
      if (refusal.problem === 'missing') return { key: 'no-phone', status: 400 };
      return { key: refusal.problem === 'invalid' ? 'invalid-phone' : 'invalid-phone-format', status: 400 };
    case 'channel_unavailable':
    case 'no_channel':
      return { key: 'channel' in refusal && refusal.channel === 'voice' ? 'voice-authenticator-error' : 'sms-authenticator-error', status: 400 };
    case 'send_failed':
      return { key: refusal.channel === 'voice' ? 'send-voice-failed' : 'send-sms-failed', status: refusal.permanent ? 400 : 503 };
    case 'builtin_cap_reached':
    case 'budget_reached':
      return { key: 'send-sms-failed', status: 503 };
    case 'number_not_allowed':
      return { key: 'phone-not-allowed', status: 400 };
    case 'not_confirmed':
      return { key: 'no-confirmation', status: 400 };
    case 'invalid_recovery_code':
    case 'no_recovery_code':
    case 'recovery_disabled':
      return { key: 'invalid-recovery-code', status: 400 };
    case 'transaction_not_found':
    case 'transaction_expired':
    case 'transaction_used':
    case 'wrong_transaction':
    case 'user_gone':
    case 'user_blocked':
    case 'factor_disabled':
    case 'not_enrolled':
    case 'no_phone_authenticator':
    case 'already_enrolled':
    case 'phone_already_enrolled':
      return { key: 'transaction-not-found', status: 400 };
  }
}
