import { Type } from '@sinclair/typebox';
import type { BuiltinSmsUpstream } from '../config/load.js';
import type { DevInboxWriter } from './dev-inbox.js';
import type { ProviderDefinition, SendOutcome } from './kit.js';
import { sendTwilioSms } from './twilio-messages.js';

/** The built-in provider's lifetime cap per tenant (Auth0: "Maximum of 100 messages per tenant"); the delivery service enforces it. */
export const BUILTIN_MESSAGE_CAP = 100;

/**
 * The built-in provider (`auth0` in Auth0's API): SMS only, for evaluation. Without an upstream the message lands in
 * the tenant's dev inbox; with one (instance-wide Twilio credentials from the configuration) it is really sent. It
 * knows nothing about the 100-message cap: that is a policy, checked by the delivery service before it is called.
 */
export function builtinProvider(deps: { devInbox: DevInboxWriter; upstream: BuiltinSmsUpstream | undefined }): ProviderDefinition {
  return {
    id: 'auth0',
    displayName: { en: 'Built-in (evaluation)', ja: '組み込み（評価用）' },
    channels: ['sms'],
    configSchema: Type.Object({}, { additionalProperties: false }),
    fields: [],
    defaultBaseUrl: deps.upstream?.apiUrl ?? 'https://api.twilio.com',
    baseUrlSetting: 'GUARDLINE_BUILTIN_SMS_TWILIO_API_URL',
    receipts: false,
    create: () => ({
      async send(message, { signal }): Promise<SendOutcome> {
        const { upstream } = deps;
        if (!upstream) {
          const id = await deps.devInbox({ tenantId: message.tenant.id, to: message.to, channel: message.channel, purpose: message.purpose, locale: message.locale, body: message.text });
          return { kind: 'delivered-to-provider', messageId: id, status: 'accepted' };
        }
        const result = await sendTwilioSms({ ...upstream, to: message.to, body: message.text, signal });
        if (result.ok) return { kind: 'delivered-to-provider', messageId: result.sid, status: 'queued' };
        if (!result.reachable) return { kind: 'transient', error: { errorCode: signal.aborted ? 'timeout' : 'unreachable', message: result.message } };
        const error = { errorCode: String(result.code ?? result.status), message: result.message, ...(result.status !== undefined ? { httpStatus: result.status } : {}) };
        if (result.status === 429 || (result.status ?? 500) >= 500) return { kind: 'transient', error };
        if (result.status === 401 || result.status === 403) return { kind: 'misconfigured', error };
        return { kind: 'permanent', error };
      },
    }),
  };
}
