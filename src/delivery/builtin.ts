import { Type } from '@sinclair/typebox';
import type { BuiltinSmsUpstream } from '../config/load.js';
import type { DevInboxWriter } from './dev-inbox.js';
import type { ProviderDefinition, SendOutcome } from './kit.js';
import { twilioProvider } from './providers/twilio.js';

/** The built-in provider's lifetime cap per tenant (Auth0: "Maximum of 100 messages per tenant"); the delivery service enforces it. */
export const BUILTIN_MESSAGE_CAP = 100;

/**
 * The built-in provider (`auth0` in Auth0's API): SMS only, for evaluation. Without an upstream the message lands in
 * the tenant's dev inbox; with one (instance-wide Twilio credentials from the configuration) it is really sent. It
 * knows nothing about the 100-message cap: that is a policy, checked by the delivery service before it is called.
 */
export function builtinProvider(deps: { devInbox: DevInboxWriter; upstream: BuiltinSmsUpstream | undefined; fetch: typeof fetch }): ProviderDefinition {
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
        // The instance-wide upstream is a Twilio account: the Twilio provider sends (its error classes, no receipts).
        const sender = upstream.from.startsWith('MG') ? { messaging_service_sid: upstream.from } : { from: upstream.from };
        const twilio = twilioProvider.create({ sid: upstream.accountSid, auth_token: upstream.authToken, ...sender }, { baseUrl: upstream.apiUrl, fetch: deps.fetch });
        return twilio.send({ ...message, statusCallbackUrl: undefined }, { signal });
      },
    }),
  };
}
