import type { MessageChannel, TemplateLocale } from '../../domain/message-templates.js';
import { maskPhoneNumber, parsePhoneNumber } from '../../domain/phone-number.js';
import type { AuthenticatorRow } from '../../store/repositories/authenticators.js';
import type { UserWithConnection } from '../../store/repositories/users.js';
import { newDeviceId, type Authenticators } from '../authenticators.js';
import type { RequestContext, ServiceDeps } from '../context.js';
import type { EventLog } from '../events.js';
import type { Guardian } from '../guardian.js';
import type { PhoneDelivery } from '../phone-delivery.js';
import type { Tenant } from '../tenants.js';
import { channelRefusal } from './channels.js';
import type { Codes } from './codes.js';
import { ok, refused, type Outcome } from './refusals.js';
import { sendOrUndo } from './send.js';
import { userAllowed, type LoginTransaction } from './transactions.js';
import { userName, who } from './who.js';

export interface EnrolmentRequest {
  phoneNumber: string | undefined;
  channel: MessageChannel;
  /**
   * Whether a user who already has a confirmed authenticator may add this one (an MFA API access token, which proved
   * the second factor already). A login transaction (mfa_token, a login page) enrols only a user with none.
   */
  additional: boolean;
}

export interface EnrolmentStarted {
  /** The pending phone's device id (`dev_…`). */
  authenticatorId: string;
  channel: MessageChannel;
  /** The oob_code of the enrolment challenge: `verifyCode` with it and the code sent confirms the phone. */
  oobCode: string;
  /** The new recovery code on a first enrolment (when the factor is on): shown once, confirmed with the phone. */
  recoveryCode?: string;
}

/**
 * Begins a phone enrolment: a pending phone (plus a recovery code on the first enrolment), a challenge, and the code
 * sent. A send that fails removes what was written. The transaction may be given lazily (`() => …`): the MFA API
 * makes one for an access token only once the request is known to be good.
 */
export function createEnrolment(
  { store, clock, random }: ServiceDeps,
  { guardian, authenticators, phoneDelivery, events, codes }: { guardian: Guardian; authenticators: Authenticators; phoneDelivery: PhoneDelivery; events: EventLog; codes: Codes },
) {
  const nowIso = () => clock.now().toISOString();

  /** Nothing half-written: the pending enrolment (and its challenge, by cascade) goes. */
  const removePending = (tenant: Tenant, userId: string) =>
    store.transaction(async (tx) => {
      for (const row of (await tx.authenticators.listByUser(tenant.id, userId)).filter((a) => a.status === 'pending')) {
        await tx.authenticators.delete(tenant.id, row.id);
      }
    });

  return async function beginEnrolment(
    tenant: Tenant,
    transaction: LoginTransaction | (() => Promise<LoginTransaction>),
    candidate: UserWithConnection,
    request: EnrolmentRequest,
    locale: TemplateLocale,
    context: RequestContext,
  ): Promise<Outcome<EnrolmentStarted>> {
    const allowed = userAllowed(candidate);
    if (!allowed.ok) return allowed;
    const user = allowed.value;
    const { channel } = request;
    const { factors, settings } = await guardian.factorsAndSettings(tenant);
    if (!factors.has('sms')) return refused({ code: 'factor_disabled' });
    if (!request.phoneNumber) return refused({ code: 'invalid_phone', problem: 'missing' });
    const phone = parsePhoneNumber(request.phoneNumber);
    if (!phone.ok) return refused({ code: 'invalid_phone', problem: phone.problem });
    const unavailable = channelRefusal(phoneDelivery, settings, channel, phone.e164);
    if (unavailable) return refused(unavailable);

    const existing = await store.authenticators.listByUser(tenant.id, user.user_id);
    const confirmed = existing.filter((a) => a.status === 'confirmed');
    if (!request.additional && confirmed.length > 0) return refused({ code: 'already_enrolled' });
    if (confirmed.some((a) => a.type === 'phone')) return refused({ code: 'phone_already_enrolled' });

    const bound = typeof transaction === 'function' ? await transaction() : transaction;
    if (bound.user_id !== user.user_id) return refused({ code: 'transaction_not_found' });
    const withRecoveryCode = confirmed.length === 0 && factors.has('recovery-code');
    const at = nowIso();
    const phoneRow: AuthenticatorRow = {
      id: newDeviceId(random),
      tenant_id: tenant.id,
      user_id: user.user_id,
      type: 'phone',
      status: 'pending',
      phone_number: phone.e164,
      preferred_method: channel,
      name: null,
      secret_hash: null,
      created_at: at,
      enrolled_at: null,
      last_auth_at: null,
    };
    const code = codes.newCode(settings, phone.e164);
    const challenge = codes.newChallenge(bound, phoneRow.id, channel, 'enrollment', code, settings);
    let recoveryCode: string | undefined;
    await store.transaction(async (tx) => {
      // An enrolment started earlier and never confirmed is replaced by this one.
      for (const pending of existing.filter((a) => a.status === 'pending')) await tx.authenticators.delete(tenant.id, pending.id);
      await tx.authenticators.insert(phoneRow);
      if (withRecoveryCode) {
        recoveryCode = await authenticators.regenerateRecoveryCode(tenant, user.user_id, tx);
        const recovery = (await tx.authenticators.listByUser(tenant.id, user.user_id)).find((a) => a.type === 'recovery-code');
        if (recovery) await tx.authenticators.update(tenant.id, recovery.id, { status: 'pending', enrolled_at: null });
      }
      await tx.mfa.insertChallenge(challenge.row);
      await events.record(
        tenant.id,
        { type: 'gd_start_enroll', ...who(user), details: { authenticator: { id: phoneRow.id, type: channel, phone_number: maskPhoneNumber(phone.e164) } } },
        context,
        tx,
      );
    });

    const message = { tenant, settings, user: { id: user.user_id, name: userName(user) }, client: undefined, to: phone.e164, channel, purpose: 'enrollment' as const, code, locale, authenticatorId: phoneRow.id, context };
    const sent = await sendOrUndo(phoneDelivery, message, () => removePending(tenant, user.user_id));
    if (!sent.ok) return sent;
    return ok({ authenticatorId: phoneRow.id, channel, oobCode: challenge.oobCode, ...(recoveryCode ? { recoveryCode } : {}) });
  };
}

export type BeginEnrolment = ReturnType<typeof createEnrolment>;
