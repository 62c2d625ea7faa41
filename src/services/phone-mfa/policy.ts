import type { MessageChannel } from '../../domain/message-templates.js';
import type { ServiceDeps } from '../context.js';
import type { Guardian } from '../guardian.js';
import type { PhoneDelivery } from '../phone-delivery.js';
import type { Tenant } from '../tenants.js';
import { availableChannels } from './channels.js';

/** What a login page needs to choose its screen: the enrolled phone, the channels it may offer, the recovery code. */
export interface PhoneMfaState {
  /** The user's confirmed phone, if any (`authenticatorId` is the stored device id, `dev_…`). */
  enrolledPhone?: { authenticatorId: string; e164: string; preferredMethod: MessageChannel };
  /** The channels a code can go by: to the enrolled number, or (not enrolled yet) to a number in general. */
  channels: MessageChannel[];
  recoveryCode: { enabled: boolean; enrolled: boolean };
}

export function createPolicy({ store }: ServiceDeps, { guardian, phoneDelivery }: { guardian: Guardian; phoneDelivery: Pick<PhoneDelivery, 'channelProblem'> }) {
  return {
    /**
     * MFA is due when the phone factor is on and the policy asks for it: `all-applications` always,
     * `confidence-score` (no risk engine here) for users who have enrolled.
     */
    async isRequired(tenant: Tenant, userId: string): Promise<boolean> {
      const { factors, settings } = await guardian.factorsAndSettings(tenant);
      if (!factors.has('sms')) return false;
      const { mfaPolicies } = settings;
      if (mfaPolicies.includes('all-applications')) return true;
      if (!mfaPolicies.includes('confidence-score')) return false;
      return (await store.authenticators.listByUser(tenant.id, userId)).some((a) => a.status === 'confirmed');
    },

    /** The user's phone MFA as a login page sees it (see PhoneMfaState). */
    async state(tenant: Tenant, userId: string): Promise<PhoneMfaState> {
      const [{ factors, settings }, rows] = await Promise.all([guardian.factorsAndSettings(tenant), store.authenticators.listByUser(tenant.id, userId)]);
      const phone = rows.find((a) => a.type === 'phone' && a.status === 'confirmed' && a.phone_number !== null);
      const recovery = rows.find((a) => a.type === 'recovery-code' && a.status === 'confirmed' && a.secret_hash !== null);
      const channels = factors.has('sms') ? availableChannels(phoneDelivery, settings, phone?.phone_number ?? '') : [];
      return {
        ...(phone
          ? { enrolledPhone: { authenticatorId: phone.id, e164: phone.phone_number!, preferredMethod: (phone.preferred_method ?? 'sms') as MessageChannel } }
          : {}),
        channels,
        recoveryCode: { enabled: factors.has('recovery-code'), enrolled: recovery !== undefined },
      };
    },
  };
}

export type Policy = ReturnType<typeof createPolicy>;
