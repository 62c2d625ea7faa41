import { PhoneSendError, type CodeMessage, type PhoneDelivery } from '../phone-delivery.js';
import { ok, refused, type Outcome, type PhoneMfaRefusal } from './refusals.js';

/** What a refused send means for the user: their own limit, the tenant's trial cap, or a delivery problem. */
export function sendRefusal(err: PhoneSendError): PhoneMfaRefusal {
  switch (err.reason) {
    case 'too_many_messages':
      return { code: 'too_many_messages', channel: err.channel, retryAfterMs: err.retryAfterMs };
    case 'number_not_allowed':
      return { code: 'number_not_allowed', channel: err.channel };
    case 'budget_reached':
      return { code: 'budget_reached' };
    case 'too_many_sms_per_tenant':
      return { code: 'builtin_cap_reached' };
    case 'voice_not_supported':
      return { code: 'channel_unavailable', channel: err.channel, problem: 'no_voice_provider' };
    case 'permanent':
      // The provider refused this number (invalid, unreachable, unsubscribed, not allowed in its country): another try
      // would fail the same way. The provider's own words stay in the event log (they may repeat the number).
      return { code: 'send_failed', channel: err.channel, permanent: true };
    default:
      return { code: 'send_failed', channel: err.channel, permanent: false };
  }
}

/**
 * Sends a code; when the send fails for any reason (refused, or the limiter or the database gone mid-way), `undo`
 * removes what was written for it. A refused send is a refusal; an outage is thrown as it came.
 */
export async function sendOrUndo(phoneDelivery: PhoneDelivery, message: CodeMessage, undo: () => Promise<unknown>): Promise<Outcome<void>> {
  try {
    await phoneDelivery.sendCode(message);
    return ok(undefined);
  } catch (err) {
    try {
      await undo();
    } catch {
      // The undo needs the database; when that is what failed, the original error is the one to report. What stays
      // is a pending enrolment (replaced by the next one) or a challenge whose code was never sent.
    }
    if (err instanceof PhoneSendError) return refused(sendRefusal(err));
    throw err;
  }
}
