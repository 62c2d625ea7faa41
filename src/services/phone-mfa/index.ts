import type { Tenant } from '../tenants.js';
import type { Authenticators } from '../authenticators.js';
import type { ServiceDeps } from '../context.js';
import type { EventLog } from '../events.js';
import type { Guardian } from '../guardian.js';
import type { PhoneDelivery } from '../phone-delivery.js';
import { createChallenge } from './challenge.js';
import { createCodes } from './codes.js';
import { createEnrolment } from './enrolment.js';
import { createPolicy } from './policy.js';
import { createTransactions } from './transactions.js';
import { createVerification } from './verification.js';

export type { PhoneMfaRefusal, PhoneMfaRefusalCode, Outcome } from './refusals.js';
export type { LoginTransaction, FirstFactor, TransactionSurface } from './transactions.js';
export { FIRST_FACTORS } from './transactions.js';
export type { PhoneMfaState } from './policy.js';
export type { EnrolmentRequest, EnrolmentStarted } from './enrolment.js';
export type { ChallengeSent } from './challenge.js';
export type { Commit, Committed, VerifiedCode, UsedRecoveryCode } from './verification.js';

/**
 * The phone factor, transport-neutral: whether MFA is due, the login transaction, enrolment, challenge, code and
 * recovery-code verification. Every step takes a login transaction and returns a result or a typed refusal
 * (refusals.ts); each surface (the MFA API in services/mfa-api, the login pages) words refusals its own way.
 */
export function createPhoneMfa(
  deps: ServiceDeps,
  services: { guardian: Guardian; authenticators: Authenticators; phoneDelivery: PhoneDelivery; events: EventLog; codeVerified?: (tenant: Tenant, phoneNumber: string) => Promise<void> },
) {
  const { guardian, authenticators, phoneDelivery, events, codeVerified } = services;
  const transactions = createTransactions(deps, { events });
  const codes = createCodes(deps, { events });
  const policy = createPolicy(deps, { guardian, phoneDelivery });
  const { confirmedPhones, sendChallenge } = createChallenge(deps, { guardian, phoneDelivery, events, codes });
  const { verifyCode, useRecoveryCode } = createVerification(deps, { guardian, authenticators, events, codes, transactions, ...(codeVerified ? { codeVerified } : {}) });
  return {
    /** Whether a second factor is due for the user (policy.ts). */
    isRequired: policy.isRequired,
    /** The enrolled phone, the channels on offer and the recovery code, for a login page (policy.ts). */
    state: policy.state,
    /** start / open / finish a login transaction, the MFA API's access-token transaction, the exchange limit. */
    transactions,
    beginEnrolment: createEnrolment(deps, { guardian, authenticators, phoneDelivery, events, codes }),
    confirmedPhones,
    sendChallenge,
    verifyCode,
    useRecoveryCode,
  };
}

export type PhoneMfa = ReturnType<typeof createPhoneMfa>;
