import type { BuiltinSmsUpstream } from '../config/load.js';
import type { Repositories } from '../store/store.js';
import type { DevInboxWriter } from './dev-inbox.js';
import type { PhoneProvider } from './provider.js';
import { sendTwilioSms } from './twilio-messages.js';

/** The built-in provider's lifetime cap per tenant (Auth0: "Maximum of 100 messages per tenant"). */
export const BUILTIN_MESSAGE_CAP = 100;

/**
 * The built-in provider (`auth0` in Auth0's API): SMS only, at most 100 messages per tenant over its whole life,
 * counted atomically in the database so concurrent requests on any number of nodes never pass the cap.
 * Without an upstream the message lands in the tenant's dev inbox; with one (instance-wide Twilio credentials)
 * it is really sent, still capped.
 */
export function createBuiltinProvider(deps: {
  store: Pick<Repositories, 'guardian'>;
  devInbox: DevInboxWriter;
  upstream: BuiltinSmsUpstream | undefined;
}): PhoneProvider {
  const name = 'auth0';
  return {
    name,
    async send(message) {
      if (message.channel !== 'sms') {
        return { ok: false, provider: name, errorCode: 'voice_not_supported', message: 'The built-in provider cannot place voice calls: select twilio or phone-message-hook for voice.' };
      }
      if (!(await deps.store.guardian.takeBuiltinMessage(message.tenantId, BUILTIN_MESSAGE_CAP))) {
        return {
          ok: false,
          provider: name,
          errorCode: 'too_many_sms_per_tenant',
          message: `The built-in provider has sent its ${BUILTIN_MESSAGE_CAP} messages for this tenant: configure a delivery provider.`,
        };
      }
      if (deps.upstream) {
        const result = await sendTwilioSms({ ...deps.upstream, to: message.to, body: message.body });
        if (result.ok) return { ok: true, provider: name, messageId: result.sid };
        // Nothing was sent: the message does not count against the cap.
        await deps.store.guardian.returnBuiltinMessage(message.tenantId);
        return { ok: false, provider: name, errorCode: result.reachable ? 'provider_error' : 'provider_unreachable', message: result.message };
      }
      const id = await deps.devInbox(message);
      return { ok: true, provider: name, messageId: id };
    },
  };
}
