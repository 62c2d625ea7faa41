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

/**
 * The delivery chain's circuit breaker (delivery/circuit-breaker.ts): each transient failure of a provider
 * configuration takes a token; once 5 are gone the configuration is skipped. One token comes back every 30 s, which
 * lets one send probe the provider again (half-open): a success fills the bucket, a failure empties it again.
 */
export const DELIVERY_LIMITS = {
  providerFailures: { name: 'provider_failures', burst: 5, refillEveryMs: 30_000 },
} as const satisfies Record<string, BucketRule>;

/**
 * Failed client authentications (wrong or missing `client_secret`, unknown `client_id`) on `/oauth/token` and
 * `/mfa/challenge`, keyed by tenant and IP and by tenant and the client id as presented (known or not, so the
 * limit does not tell which ids exist). Only failures take tokens; services/client-authentication.ts says in which order.
 *
 * - Per IP, burst 20, 1 per 30 s (120/hour): a server with a wrong secret in its configuration fails a handful of
 *   times before someone looks; twenty in a row from one address is a script. Guessing stays hopeless anyway
 *   (generated secrets are 64 random characters), so the bucket mainly bounds cost and log volume per address.
 * - Per client id (confidential clients and unknown ids; a public client has no secret to guess), burst 300, 1 per 6 s (600/hour): large, because anyone who knows a client id (it is not a
 *   secret) can spend this bucket and lock the real application out. Emptying it takes 15 addresses at their
 *   full burst, and keeping it empty takes 600 failures an hour, i.e. at least 5 addresses at their sustained
 *   rate; it still caps a distributed guess at 600 an hour per client. docs/rate-limits.md says what remains.
 */
export const CLIENT_AUTH_LIMITS = {
  perIp: { name: 'client_auth_ip', burst: 20, refillEveryMs: 30_000 },
  perClient: { name: 'client_auth_client', burst: 300, refillEveryMs: 6_000 },
} as const satisfies Record<string, BucketRule>;

/**
 * The login pages' MFA forms, per tenant and IP: burst 60, 1 every 2 s (1,800/hour). A person clicks a handful of
 * times per login; an office behind one address logs in many people at once, so the bucket is wide. It bounds what a
 * script can make the screens do (each code sent is also limited per user: PHONE_LIMITS.sends).
 */
export const LOGIN_PAGE_LIMITS = {
  promptsPerIp: { name: 'login_prompts_ip', burst: 60, refillEveryMs: 2_000 },
} as const satisfies Record<string, BucketRule>;
