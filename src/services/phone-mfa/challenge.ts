import type { MessageChannel, TemplateLocale } from '../../domain/message-templates.js';
import { maskPhoneNumber } from '../../domain/phone-number.js';
import type { AuthenticatorRow } from '../../store/repositories/authenticators.js';
import type { UserWithConnection } from '../../store/repositories/users.js';
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
import { userName, who, type ClientRef } from './who.js';

export interface ChallengeSent {
  authenticatorId: string;
  channel: MessageChannel;
  /** Names this challenge to `verifyCode`; only its hash is kept. */
  oobCode: string;
}

/**
 * A new code to an enrolled phone by SMS or voice. The caller names the authenticator (a row it read, or its device
 * id) and the channel (default: the phone's preferred one); the channel checks live in channels.ts. On a refused send
 * the code the user may already hold stays valid: only a code that was sent replaces the earlier ones.
 */
export function createChallenge(
  { store, clock }: ServiceDeps,
  { guardian, phoneDelivery, events, codes }: { guardian: Guardian; phoneDelivery: PhoneDelivery; events: EventLog; codes: Codes },
) {
  /** The user's confirmed phones, or `not_enrolled` when the user has no confirmed authenticator at all. */
  async function confirmedPhones(tenant: Tenant, userId: string): Promise<Outcome<AuthenticatorRow[]>> {
    const rows = await store.authenticators.listByUser(tenant.id, userId);
    if (!rows.some((a) => a.status === 'confirmed')) return refused({ code: 'not_enrolled' });
    return ok(rows.filter((a) => a.type === 'phone' && a.status === 'confirmed'));
  }

  async function sendChallenge(
    tenant: Tenant,
    transaction: LoginTransaction,
    candidate: UserWithConnection,
    client: ClientRef,
    target: { authenticator: AuthenticatorRow | string; channel?: MessageChannel | undefined },
    locale: TemplateLocale,
    context: RequestContext,
  ): Promise<Outcome<ChallengeSent>> {
    const allowed = userAllowed(candidate);
    if (!allowed.ok) return allowed;
    const user = allowed.value;
    let authenticator: AuthenticatorRow;
    if (typeof target.authenticator === 'string') {
      const phones = await confirmedPhones(tenant, user.user_id);
      if (!phones.ok) return phones;
      const found = phones.value.find((a) => a.id === target.authenticator);
      if (!found) return refused({ code: 'no_phone_authenticator' });
      authenticator = found;
    } else {
      authenticator = target.authenticator;
    }
    if (authenticator.user_id !== user.user_id || authenticator.type !== 'phone' || authenticator.status !== 'confirmed') return refused({ code: 'no_phone_authenticator' });
    const channel = target.channel ?? ((authenticator.preferred_method ?? 'sms') as MessageChannel);

    const { factors, settings } = await guardian.factorsAndSettings(tenant);
    if (!factors.has('sms')) return refused({ code: 'factor_disabled' });
    const phoneNumber = authenticator.phone_number ?? '';
    const unavailable = channelRefusal(phoneDelivery, settings, channel, phoneNumber);
    if (unavailable) return refused(unavailable);

    const code = codes.newCode(settings, phoneNumber);
    const challenge = codes.newChallenge(transaction, authenticator.id, channel, 'verification', code, settings);
    await store.transaction(async (tx) => {
      await tx.mfa.insertChallenge(challenge.row);
      await events.record(
        tenant.id,
        { type: 'gd_start_auth', ...who(user, client), details: { authenticator: { id: authenticator.id, type: channel, phone_number: maskPhoneNumber(phoneNumber) } } },
        context,
        tx,
      );
    });
    const message = { tenant, settings, user: { id: user.user_id, name: userName(user) }, client: { id: client.client_id, name: client.name }, to: phoneNumber, channel, purpose: 'verification' as const, code, locale, authenticatorId: authenticator.id, context };
    const sent = await sendOrUndo(phoneDelivery, message, () => store.mfa.deleteChallenge(challenge.row.id));
    if (!sent.ok) return sent;
    await store.mfa.supersedeChallenges(transaction.id, authenticator.id, clock.now().toISOString(), challenge.row);
    return ok({ authenticatorId: authenticator.id, channel, oobCode: challenge.oobCode });
  }

  return { confirmedPhones, sendChallenge };
}
