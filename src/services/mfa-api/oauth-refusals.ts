import type { MessageChannel } from '../../domain/message-templates.js';
import { parsePhoneNumber } from '../../domain/phone-number.js';
import { OAuthError } from '../../errors/errors.js';
import type { Outcome, PhoneMfaRefusal } from '../phone-mfa/index.js';

/**
 * The MFA API's wording of the phone MFA core's refusals: Auth0's `{error, error_description}`, statuses and
 * `retry-after` headers, in one place. `step` is where the refusal happened, which changes a few answers as Auth0's
 * do: a Bearer token that does not open is a 401; a channel that cannot be used is `unsupported_challenge_type` on
 * `/mfa/challenge` and `invalid_request` on `/mfa/associate`.
 */
export type MfaApiStep = 'bearer' | 'associate' | 'challenge' | 'exchange';

const TOO_MANY_FAILURES = 'Too many failed codes. Wait for some minutes before retrying.';
const tooManyMessages = (channel: MessageChannel) =>
  channel === 'sms' ? 'Too many SMS sent by the user. Wait for some minutes before retrying.' : 'Too many voice calls made to the user. Wait for some minutes before retrying.';
const retryAfter = (ms: number | undefined) => (ms !== undefined ? { headers: { 'retry-after': String(Math.ceil(ms / 1000)) } } : {});

const CHANNEL_PROBLEMS = {
  message_type_disabled: (channel: MessageChannel) => `${channel === 'sms' ? 'SMS' : 'Voice'} messages are not enabled for this tenant.`,
  provider_cannot_call: () => 'The built-in phone provider cannot place voice calls: the tenant must select twilio or phone-message-hook for voice.',
  no_voice_provider: () => 'None of the configured phone providers of this tenant can place voice calls to this number.',
} as const;

/** The OAuthError for `refusal` at `step`; `input.phoneNumber` words an invalid number as the domain explains it. */
export function oauthRefusal(refusal: PhoneMfaRefusal, step: MfaApiStep, input: { phoneNumber?: string | undefined } = {}): OAuthError {
  // A Bearer token that does not open (or whose user cannot go on) is an authentication failure of the request.
  const bearer = step === 'bearer' ? { statusCode: 401 } : {};
  switch (refusal.code) {
    case 'transaction_not_found':
    case 'user_gone':
      return new OAuthError('invalid_grant', 'Malformed mfa_token', bearer);
    case 'transaction_expired':
      return new OAuthError('expired_token', 'mfa_token is expired', bearer);
    case 'transaction_used':
      return new OAuthError('invalid_grant', 'mfa_token has already been used', bearer);
    case 'wrong_transaction':
      return new OAuthError('invalid_grant', 'mfa_token was not issued to this client', bearer);
    case 'user_blocked':
      return new OAuthError('unauthorized', 'user is blocked', { statusCode: 401 });
    case 'factor_disabled':
      return new OAuthError(step === 'challenge' ? 'unsupported_challenge_type' : 'invalid_request', 'The phone factor (sms) is not enabled for this tenant.');
    case 'recovery_disabled':
      return new OAuthError('invalid_grant', 'Recovery codes are not enabled for this tenant.');
    case 'invalid_phone': {
      if (refusal.problem === 'missing') return new OAuthError('invalid_request', 'Missing required parameter: phone_number');
      const parsed = parsePhoneNumber(input.phoneNumber ?? '');
      return new OAuthError('invalid_request', parsed.ok ? 'phone_number is not a valid phone number' : parsed.message);
    }
    case 'channel_unavailable': {
      const text = CHANNEL_PROBLEMS[refusal.problem](refusal.channel);
      // Found before anything was written (not at send): on a challenge, the challenge type cannot be served.
      return new OAuthError(step === 'challenge' && refusal.problem !== 'no_voice_provider' ? 'unsupported_challenge_type' : 'invalid_request', text);
    }
    case 'not_enrolled':
      return new OAuthError('association_required', 'User is not enrolled. Enroll an authenticator with /mfa/associate.');
    case 'no_phone_authenticator':
      return new OAuthError('unsupported_challenge_type', 'The user has no authenticator for the requested challenge type.');
    case 'already_enrolled':
      return new OAuthError('access_denied', 'User is already enrolled.');
    case 'phone_already_enrolled':
      return new OAuthError('access_denied', 'User already has a phone authenticator: remove it before enrolling another.');
    case 'no_recovery_code':
      return new OAuthError('invalid_grant', 'The user has no recovery code.');
    case 'too_many_messages':
      return new OAuthError('invalid_request', tooManyMessages(refusal.channel), { statusCode: 429, ...retryAfter(refusal.retryAfterMs) });
    case 'too_many_failures':
      return new OAuthError('invalid_request', TOO_MANY_FAILURES, { statusCode: 429, ...retryAfter(refusal.retryAfterMs) });
    case 'too_many_exchanges':
      return new OAuthError('too_many_attempts', 'Too many token requests for this MFA transaction. Wait a minute before retrying.', retryAfter(refusal.retryAfterMs));
    case 'builtin_cap_reached':
      return new OAuthError('too_many_sms_per_tenant', 'The tenant has used up the messages of the built-in phone provider. Ask its administrator to configure a delivery provider.');
    case 'number_not_allowed':
      return new OAuthError('invalid_request', `${refusal.channel === 'sms' ? 'SMS messages' : 'Voice calls'} to this phone number are not allowed by the tenant's fraud rules. Use another number or another authenticator.`);
    case 'budget_reached':
      return new OAuthError('too_many_sms_per_tenant', "The tenant's phone message budget for this period is used up. Try again later, or ask its administrator.", { statusCode: 429 });
    case 'send_failed':
      return refusal.permanent
        ? new OAuthError('invalid_request', 'The code could not be delivered to this phone number. Check the number, or use another authenticator.')
        : new OAuthError('temporarily_unavailable', 'The code could not be sent. Try again later.');
    case 'invalid_challenge':
      return new OAuthError('invalid_grant', 'Invalid oob_code.');
    case 'invalid_code':
      return new OAuthError('invalid_grant', 'Invalid binding_code.');
    case 'code_expired':
      return new OAuthError('expired_token', 'oob_code is expired');
    case 'code_used':
      return new OAuthError('invalid_grant', 'The oob_code has already been used.');
    case 'invalid_recovery_code':
      return new OAuthError('invalid_grant', 'Invalid recovery_code.');
  }
}

/** The value of `outcome`, or its refusal thrown as the MFA API words it. */
export function orThrow<T>(outcome: Outcome<T>, step: MfaApiStep, input?: { phoneNumber?: string | undefined }): T {
  if (outcome.ok) return outcome.value;
  throw oauthRefusal(outcome.refusal, step, input);
}
