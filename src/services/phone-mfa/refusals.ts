import type { MessageChannel } from '../../domain/message-templates.js';
import type { PhoneNumberProblem } from '../../domain/phone-number.js';

/**
 * Why the phone MFA core said no: one catalogue code per reason, with the data a surface needs to word it (the
 * channel, when to retry). No HTTP status, no OAuth error, no text: the MFA API maps these to Auth0's
 * `{error, error_description}` (mfa-api/oauth-refusals.ts), Universal Login to a localised page.
 */
export type PhoneMfaRefusal =
  // the login transaction
  | { code: 'transaction_not_found' }
  | { code: 'transaction_expired' }
  | { code: 'transaction_used' }
  /** The transaction belongs to another application (or another user) than the one asking. */
  | { code: 'wrong_transaction' }
  | { code: 'user_gone' }
  | { code: 'user_blocked' }
  // configuration and enrolment state
  /** The phone factor (Auth0's `sms` factor) is off for the tenant. */
  | { code: 'factor_disabled' }
  | { code: 'recovery_disabled' }
  | { code: 'invalid_phone'; problem: PhoneNumberProblem | 'missing' }
  /**
   * The channel cannot carry a code: `message_type_disabled` (the tenant's message types), `provider_cannot_call`
   * (the built-in provider has no voice), `no_voice_provider` (no configured provider calls this number: found at send).
   */
  | { code: 'channel_unavailable'; channel: MessageChannel; problem: 'message_type_disabled' | 'provider_cannot_call' | 'no_voice_provider' }
  /** The user has no confirmed authenticator at all. */
  | { code: 'not_enrolled' }
  /** The user has confirmed authenticators, but no (such) phone. */
  | { code: 'no_phone_authenticator' }
  | { code: 'already_enrolled' }
  | { code: 'phone_already_enrolled' }
  | { code: 'no_recovery_code' }
  // limits
  | { code: 'too_many_messages'; channel: MessageChannel; retryAfterMs: number | undefined }
  | { code: 'too_many_failures'; retryAfterMs: number }
  | { code: 'too_many_exchanges'; retryAfterMs: number }
  | { code: 'builtin_cap_reached' }
  /** A fraud rule refuses the number (its country, a blocked or high-risk prefix, a pumping block): services/phone-fraud. */
  | { code: 'number_not_allowed'; channel: MessageChannel }
  /** The tenant's phone budget for the period is used up. */
  | { code: 'budget_reached' }
  // delivery
  /** Nothing was delivered: `permanent` when the provider refused the number (another try fails the same way). */
  | { code: 'send_failed'; channel: MessageChannel; permanent: boolean }
  // codes
  /** The oob_code names no challenge of this transaction. */
  | { code: 'invalid_challenge' }
  | { code: 'invalid_code' }
  | { code: 'code_expired' }
  | { code: 'code_used' }
  | { code: 'invalid_recovery_code' };

export type PhoneMfaRefusalCode = PhoneMfaRefusal['code'];

export type Outcome<T> = { ok: true; value: T } | { ok: false; refusal: PhoneMfaRefusal };

export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const refused = (refusal: PhoneMfaRefusal): { ok: false; refusal: PhoneMfaRefusal } => ({ ok: false, refusal });

/**
 * A refusal found inside a database transaction: thrown to roll the transaction back, caught at the core's edge
 * (`caught`) and returned as an outcome. Never leaves the core.
 */
export class RefusedInTransaction extends Error {
  constructor(readonly refusal: PhoneMfaRefusal) {
    super(refusal.code);
    this.name = 'RefusedInTransaction';
  }
}

/** Runs `fn`; a `RefusedInTransaction` becomes the refusal it carries. */
export async function caught<T>(fn: () => Promise<Outcome<T>>): Promise<Outcome<T>> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof RefusedInTransaction) return refused(err.refusal);
    throw err;
  }
}
