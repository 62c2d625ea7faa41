import type { MessageChannel, MessagePurpose } from '../domain/message-templates.js';

/** One rendered message on its way to a phone. */
export interface PhoneMessage {
  tenantId: string;
  /** E.164 */
  to: string;
  channel: MessageChannel;
  purpose: MessagePurpose;
  locale: string;
  body: string;
}

/** Why a provider did not deliver: `errorCode` is stable (logs, alerts), `message` is for operators. */
export interface DeliveryFailure {
  ok: false;
  provider: string;
  errorCode: 'voice_not_supported' | 'too_many_sms_per_tenant' | 'provider_not_available' | 'provider_error' | 'provider_unreachable';
  message: string;
}

export type DeliveryOutcome = { ok: true; provider: string; messageId: string } | DeliveryFailure;

/**
 * A delivery provider. Every outbound message goes through `PhoneDelivery` (src/services/phone-delivery.ts),
 * which picks one of these; providers never write events or check limits themselves.
 */
export interface PhoneProvider {
  readonly name: string;
  send(message: PhoneMessage): Promise<DeliveryOutcome>;
}
