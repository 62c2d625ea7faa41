import type { BucketRule } from './limiter.js';

/** Auth0's numbers for the phone factor (reference/auth0-phone-mfa.md). */
export const PHONE_LIMITS = {
  /** SMS/voice sends per user: burst 10, 1 per hour */
  sends: { name: 'phone_sends', burst: 10, refillEveryMs: 3_600_000 },
  /** wrong one-time codes per user: burst 10, 1 per 6 minutes */
  wrongCodes: { name: 'otp_failures', burst: 10, refillEveryMs: 360_000 },
  /** MFA OOB token exchange per MFA transaction: 12 per minute */
  oobExchange: { name: 'oob_exchange', burst: 12, refillEveryMs: 5_000 },
} as const satisfies Record<string, BucketRule>;
