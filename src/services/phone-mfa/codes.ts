import { hashToken } from '../../crypto/secret-box.js';
import { createSortableIdGenerator, newId } from '../../domain/ids.js';
import type { MessageChannel } from '../../domain/message-templates.js';
import { codeMatches, generateCode, hashCode } from '../../domain/otp.js';
import { PHONE_LIMITS } from '../../limits/index.js';
import type { MfaChallengeRow } from '../../store/repositories/mfa.js';
import type { UserWithConnection } from '../../store/repositories/users.js';
import type { RequestContext, ServiceDeps } from '../context.js';
import type { EventLog } from '../events.js';
import type { GuardianSettings } from '../guardian.js';
import type { Tenant } from '../tenants.js';
import { ok, refused, type Outcome } from './refusals.js';
import type { LoginTransaction } from './transactions.js';
import { who, type ClientRef } from './who.js';

/** The event text of a wrong-code lockout (`gd_otp_rate_limit_exceed`, `gd_recovery_rate_limit_exceed`), as Auth0's. */
const TOO_MANY_FAILURES = 'Too many failed codes. Wait for some minutes before retrying.';

/** The fixed code of a tenant's test number, if `phoneNumber` is one: such a number never reaches a provider. */
export const testNumberCode = (settings: GuardianSettings, phoneNumber: string): string | undefined =>
  settings.testNumbers.find((n) => n.phone_number === phoneNumber)?.code;

/**
 * One-time codes: made (CSPRNG, or a test number's fixed code), bound to a challenge row (keyed hash, expiry, the
 * transaction and authenticator), and checked against the user's wrong-code bucket.
 */
export function createCodes({ clock, random, secretBox, limiter }: ServiceDeps, { events }: { events: EventLog }) {
  const otpKey = secretBox.derive('otp');
  // Challenge ids sort by time (and by creation order within a process), which decides which resend is the newest.
  const nextChallengeId = createSortableIdGenerator(random);
  const now = () => clock.now();
  const bucketKey = (tenant: Tenant, user: UserWithConnection) => `${tenant.id}:${user.user_id}`;

  /**
   * Takes one wrong-code token before a code is compared (so concurrent guesses cannot exceed the bucket); an empty
   * bucket writes `limitType` and refuses.
   */
  async function takeAttempt(
    tenant: Tenant,
    user: UserWithConnection,
    client: ClientRef | undefined,
    limitType: 'gd_otp_rate_limit_exceed' | 'gd_recovery_rate_limit_exceed',
    context: RequestContext,
  ): Promise<Outcome<void>> {
    const attempt = await limiter.take(PHONE_LIMITS.wrongCodes, bucketKey(tenant, user));
    if (attempt.allowed) return ok(undefined);
    const reset = new Date(now().getTime() + attempt.retryAfterMs).toISOString();
    await events.record(tenant.id, { type: limitType, description: TOO_MANY_FAILURES, ...who(user, client), details: { reset_time: reset } }, context);
    return refused({ code: 'too_many_failures', retryAfterMs: attempt.retryAfterMs });
  }

  /** A right code does not count against the wrong-code budget. */
  const refundAttempt = (tenant: Tenant, user: UserWithConnection) => limiter.refund(PHONE_LIMITS.wrongCodes, bucketKey(tenant, user));

  return {
    newCode: (settings: GuardianSettings, phoneNumber: string): string => testNumberCode(settings, phoneNumber) ?? generateCode(random, settings.otpLength),

    /** A challenge for `code`: the row to store and the oob_code (given to the surface once; only its hash is kept). */
    newChallenge(
      transaction: LoginTransaction,
      authenticatorId: string,
      channel: MessageChannel,
      purpose: 'enrollment' | 'verification',
      code: string,
      settings: GuardianSettings,
    ): { oobCode: string; row: MfaChallengeRow } {
      const at = now();
      const id = `chl_${nextChallengeId(at)}`;
      const oobCode = newId.opaqueToken(random);
      return {
        oobCode,
        row: {
          id,
          oob_code_hash: hashToken(oobCode),
          tenant_id: transaction.tenant_id,
          transaction_id: transaction.id,
          authenticator_id: authenticatorId,
          channel,
          purpose,
          code_hash: hashCode(otpKey, id, code),
          created_at: at.toISOString(),
          expires_at: new Date(at.getTime() + settings.otpLifetimeSeconds * 1000).toISOString(),
          consumed_at: null,
        },
      };
    },

    takeAttempt,
    refundAttempt,

    /**
     * Checks `code` against an open challenge: a wrong-code token first, then a constant-time compare; a wrong code
     * writes `gd_auth_failed`, a right one gives the token back.
     */
    async checkCode(tenant: Tenant, user: UserWithConnection, client: ClientRef | undefined, challenge: MfaChallengeRow, code: string, context: RequestContext): Promise<Outcome<void>> {
      const attempt = await takeAttempt(tenant, user, client, 'gd_otp_rate_limit_exceed', context);
      if (!attempt.ok) return attempt;
      if (!codeMatches(otpKey, challenge.id, code.trim(), challenge.code_hash)) {
        const authenticator = { id: challenge.authenticator_id, type: challenge.channel };
        await events.record(tenant.id, { type: 'gd_auth_failed', description: 'Wrong phone verification code', ...who(user, client), details: { authenticator } }, context);
        return refused({ code: 'invalid_code' });
      }
      await refundAttempt(tenant, user);
      return ok(undefined);
    },
  };
}

export type Codes = ReturnType<typeof createCodes>;
