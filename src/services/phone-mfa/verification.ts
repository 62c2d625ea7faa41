import { hashToken } from '../../crypto/secret-box.js';
import type { MessageChannel } from '../../domain/message-templates.js';
import { normaliseRecoveryCode } from '../../domain/otp.js';
import type { UserWithConnection } from '../../store/repositories/users.js';
import type { Repositories } from '../../store/store.js';
import type { Authenticators } from '../authenticators.js';
import type { RequestContext, ServiceDeps } from '../context.js';
import type { EventLog, LogEntryInput } from '../events.js';
import type { Guardian } from '../guardian.js';
import type { Tenant } from '../tenants.js';
import type { Codes } from './codes.js';
import { caught, ok, refused, RefusedInTransaction, type Outcome } from './refusals.js';
import { userAllowed, type LoginTransaction, type Transactions } from './transactions.js';
import { who, type ClientRef } from './who.js';

/** What a proven code was for. */
export interface VerifiedCode {
  /** True when this code confirmed a pending enrolment (the phone, and the recovery code that came with it). */
  enrolled: boolean;
  authenticatorId: string;
  channel: MessageChannel;
}

export interface UsedRecoveryCode {
  authenticatorId: string;
}

/**
 * The surface's own result of a proven second factor (the MFA API's tokens, a login page's authorization code),
 * written in the same database transaction that spends the code, so the database keeps both or neither. Either a
 * function `(tx, info)`, or `{ prepare, write }` where `prepare` runs first, outside the transaction (signing:
 * nothing that reads the database may run inside it). `events` are written after the core's, in one statement.
 */
export type Commit<Info, T> =
  | ((tx: Repositories, info: Info) => Promise<Committed<T>>)
  | { prepare?(info: Info): Promise<void>; write(tx: Repositories, info: Info): Promise<Committed<T>> };
export interface Committed<T> {
  value: T;
  events?: LogEntryInput[];
}

function split<Info, T>(commit: Commit<Info, T>) {
  return typeof commit === 'function' ? { prepare: undefined, write: commit } : commit;
}

export function createVerification(
  { store, clock }: ServiceDeps,
  {
    guardian,
    authenticators,
    events,
    codes,
    transactions,
    codeVerified,
  }: {
    guardian: Guardian;
    authenticators: Authenticators;
    events: EventLog;
    codes: Codes;
    transactions: Transactions;
    /** A sent code was verified (the fraud guard's completion rate); its failure never fails the verification. */
    codeVerified?: (tenant: Tenant, phoneNumber: string) => Promise<void>;
  },
) {
  const nowIso = () => clock.now().toISOString();

  /**
   * Verifies the code of an oob challenge of `transaction`: the challenge open and unexpired, a wrong-code token taken
   * before the compare. Then, in one database transaction: the challenge consumed, a pending enrolment confirmed (or
   * the phone's last use noted), the transaction finished, the surface's `commit`, and the events.
   */
  async function verifyCode<T>(
    tenant: Tenant,
    transaction: LoginTransaction,
    candidate: UserWithConnection,
    client: ClientRef,
    input: { oobCode: string; code: string },
    context: RequestContext,
    commit: Commit<VerifiedCode, T>,
  ): Promise<Outcome<VerifiedCode & { result: T }>> {
    const allowed = userAllowed(candidate);
    if (!allowed.ok) return allowed;
    const user = allowed.value;
    const challenge = await store.mfa.findChallengeByOobHash(tenant.id, hashToken(input.oobCode));
    if (!challenge || challenge.transaction_id !== transaction.id) return refused({ code: 'invalid_challenge' });
    if (challenge.consumed_at !== null) return refused({ code: 'code_used' });
    if (new Date(challenge.expires_at) <= clock.now()) return refused({ code: 'code_expired' });
    const checked = await codes.checkCode(tenant, user, client, challenge, input.code, context);
    if (!checked.ok) return checked;

    const info: VerifiedCode = { enrolled: challenge.purpose === 'enrollment', authenticatorId: challenge.authenticator_id, channel: challenge.channel as MessageChannel };
    const surface = split(commit);
    await surface.prepare?.(info);
    const authenticator = { id: challenge.authenticator_id, type: challenge.channel };
    const outcome = await caught(() =>
      store.transaction(async (tx) => {
        if (!(await tx.mfa.consumeChallenge(challenge.id, nowIso()))) throw new RefusedInTransaction({ code: 'code_used' });
        const at = nowIso();
        const recorded: LogEntryInput[] = [];
        if (info.enrolled) {
          // The phone was removed (or replaced) since the code was sent: nothing is left to confirm.
          if (!(await tx.authenticators.confirm(tenant.id, challenge.authenticator_id, at))) throw new RefusedInTransaction({ code: 'invalid_challenge' });
          const recovery = (await tx.authenticators.listByUser(tenant.id, user.user_id)).find((a) => a.type === 'recovery-code' && a.status === 'pending');
          if (recovery) await tx.authenticators.confirm(tenant.id, recovery.id, at);
          recorded.push({ type: 'gd_enrollment_complete', ...who(user, client), details: { authenticator } });
        } else {
          await tx.authenticators.update(tenant.id, challenge.authenticator_id, { last_auth_at: at });
        }
        await transactions.finish(tx, transaction);
        recorded.push({ type: 'gd_auth_succeed', ...who(user, client), details: { authenticator } });
        const written = await surface.write(tx, info);
        await events.recordAll(tenant.id, [...recorded, ...(written.events ?? [])], context, tx);
        return ok({ ...info, result: written.value });
      }),
    );
    if (outcome.ok && codeVerified) {
      const phone = (await store.authenticators.find(tenant.id, challenge.authenticator_id).catch(() => undefined))?.phone_number;
      if (phone) await codeVerified(tenant, phone).catch(() => undefined);
    }
    return outcome;
  }

  /**
   * The recovery code instead of the phone: used up in the transaction that spends it, replaced by the next one
   * (returned once, as `recoveryCode`). Turning the factor off takes issued codes out of use until it is on again.
   */
  async function useRecoveryCode<T>(
    tenant: Tenant,
    transaction: LoginTransaction,
    candidate: UserWithConnection,
    client: ClientRef,
    input: { recoveryCode: string },
    context: RequestContext,
    commit: Commit<UsedRecoveryCode, T>,
  ): Promise<Outcome<UsedRecoveryCode & { recoveryCode: string; result: T }>> {
    const allowed = userAllowed(candidate);
    if (!allowed.ok) return allowed;
    const user = allowed.value;
    if (!(await guardian.enabledFactors(tenant)).has('recovery-code')) return refused({ code: 'recovery_disabled' });
    const recovery = (await store.authenticators.listByUser(tenant.id, user.user_id)).find((a) => a.type === 'recovery-code' && a.status === 'confirmed');
    if (!recovery || recovery.secret_hash === null) return refused({ code: 'no_recovery_code' });

    const attempt = await codes.takeAttempt(tenant, user, client, 'gd_recovery_rate_limit_exceed', context);
    if (!attempt.ok) return attempt;
    if (!authenticators.recoveryCodeMatches(recovery, normaliseRecoveryCode(input.recoveryCode))) {
      await events.record(tenant.id, { type: 'gd_recovery_failed', description: 'Wrong recovery code', ...who(user, client) }, context);
      return refused({ code: 'invalid_recovery_code' });
    }
    await codes.refundAttempt(tenant, user);

    const info: UsedRecoveryCode = { authenticatorId: recovery.id };
    const surface = split(commit);
    await surface.prepare?.(info);
    return caught(() =>
      store.transaction(async (tx) => {
        await transactions.finish(tx, transaction);
        // Replaced in the same transaction that uses it: a recovery code works once.
        const next = await authenticators.regenerateRecoveryCode(tenant, user.user_id, tx);
        await tx.authenticators.update(tenant.id, recovery.id, { last_auth_at: nowIso() });
        const written = await surface.write(tx, info);
        const succeeded: LogEntryInput = { type: 'gd_recovery_succeed', ...who(user, client), details: { authenticator: { id: recovery.id, type: 'recovery-code' } } };
        await events.recordAll(tenant.id, [succeeded, ...(written.events ?? [])], context, tx);
        return ok({ ...info, recoveryCode: next, result: written.value });
      }),
    );
  }

  return { verifyCode, useRecoveryCode };
}
