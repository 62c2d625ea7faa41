import type { MessageChannel } from '../../domain/message-templates.js';
import type { GuardianSettings } from '../guardian.js';
import type { PhoneDelivery } from '../phone-delivery.js';
import type { PhoneMfaRefusal } from './refusals.js';

export const PHONE_CHANNELS: readonly MessageChannel[] = ['sms', 'voice'];

/**
 * Whether a code can go to `to` on `channel` at all, checked before anything is written: the tenant's message types,
 * then what its provider can carry (phone-delivery.ts; a test number needs no provider). The one place every step
 * (enrolment, challenge, the pages' channel list) asks.
 */
export function channelRefusal(
  phoneDelivery: Pick<PhoneDelivery, 'channelProblem'>,
  settings: GuardianSettings,
  channel: MessageChannel,
  to: string,
): Extract<PhoneMfaRefusal, { code: 'channel_unavailable' }> | undefined {
  if (!settings.messageTypes.includes(channel)) return { code: 'channel_unavailable', channel, problem: 'message_type_disabled' };
  if (phoneDelivery.channelProblem(settings, channel, to) !== undefined) return { code: 'channel_unavailable', channel, problem: 'provider_cannot_call' };
  return undefined;
}

/** The channels that can carry a code to `to` (or, without a number yet, to a number that is not a test number). */
export function availableChannels(phoneDelivery: Pick<PhoneDelivery, 'channelProblem'>, settings: GuardianSettings, to = ''): MessageChannel[] {
  return PHONE_CHANNELS.filter((channel) => channelRefusal(phoneDelivery, settings, channel, to) === undefined);
}
