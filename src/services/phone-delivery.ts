import { createBuiltinProvider } from '../delivery/builtin.js';
import { createDevInboxWriter } from '../delivery/dev-inbox.js';
import type { DeliveryFailure, PhoneProvider } from '../delivery/provider.js';
import { defaultTemplate } from '../domain/default-templates.js';
import type { LogType } from '../domain/log-types.js';
import { renderMessage, TemplateError, type MessageChannel, type MessagePurpose, type TemplateLocale } from '../domain/message-templates.js';
import { maskPhoneNumber } from '../domain/phone-number.js';
import { DependencyUnavailableError } from '../errors/errors.js';
import { PHONE_LIMITS } from '../limits/index.js';
import { recordOutage, unavailableDescription } from './outage.js';
import type { RequestContext, ServiceDeps } from './context.js';
import type { EventLog } from './events.js';
import type { GuardianSettings, PhoneProviderName } from './guardian.js';
import type { Tenant } from './tenants.js';

/**
 * The one path every phone message takes: the user's send bucket, test numbers, the tenant's template in the
 * caller's locale, the selected provider, and the `gd_send_*` / `limit_phone` events. Providers only deliver.
 */

export type SendRefusal = 'too_many_messages' | DeliveryFailure['errorCode'] | 'template_error';

/** A message that was not sent; `reason` tells the caller which error to answer with. */
export class PhoneSendError extends Error {
  constructor(
    readonly reason: SendRefusal,
    readonly channel: MessageChannel,
    message: string,
    /** When the user may send again (too_many_messages). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'PhoneSendError';
  }
}

export interface CodeMessage {
  tenant: Tenant;
  settings: GuardianSettings;
  user: { id: string; name: string };
  client: { id: string; name: string } | undefined;
  /** E.164 */
  to: string;
  channel: MessageChannel;
  purpose: MessagePurpose;
  code: string;
  locale: TemplateLocale;
  authenticatorId: string;
  context: RequestContext;
}

/** Providers that `selected-provider` may name but that deliver in a later milestone. */
const NOT_YET_AVAILABLE: Record<Exclude<PhoneProviderName, 'auth0'>, string> = {
  twilio: 'Delivery through Twilio is configured but not available in this Guardline version: select the built-in provider (auth0).',
  'phone-message-hook': 'Delivery through a phone message Action is not available in this Guardline version: select the built-in provider (auth0).',
};

export function createPhoneDelivery(deps: ServiceDeps, { events }: { events: EventLog }) {
  const { limiter, clock } = deps;
  const devInbox = createDevInboxWriter(deps);
  const builtin = createBuiltinProvider({ store: deps.store, devInbox, upstream: deps.config.builtinSmsUpstream });
  const providers: Record<PhoneProviderName, PhoneProvider | undefined> = { auth0: builtin, twilio: undefined, 'phone-message-hook': undefined };

  const isTestNumber = (settings: GuardianSettings, to: string) => settings.testNumbers.some((n) => n.phone_number === to);

  /** Whether a code can go to `to` on `channel` at all (checked before anything is written). */
  function channelProblem(settings: GuardianSettings, channel: MessageChannel, to: string): string | undefined {
    if (!settings.messageTypes.includes(channel)) return `${channel === 'sms' ? 'SMS' : 'Voice'} messages are not enabled for this tenant.`;
    if (channel === 'voice' && settings.provider === 'auth0' && !isTestNumber(settings, to)) {
      return 'The built-in phone provider cannot place voice calls: the tenant must select twilio or phone-message-hook for voice.';
    }
    return undefined;
  }

  return {
    channelProblem,

    /** Sends `code` to the user's phone or throws `PhoneSendError`; every outcome leaves its event. */
    async sendCode(message: CodeMessage): Promise<void> {
      const { tenant, settings, user, client, to, channel, context } = message;
      const who = { userId: user.id, userName: user.name, clientId: client?.id ?? null, clientName: client?.name ?? null };
      const authenticator = { id: message.authenticatorId, type: channel, phone_number: maskPhoneNumber(to) };

      const sent: LogType = channel === 'sms' ? 'gd_send_sms' : 'gd_send_voice';
      const failed: LogType = channel === 'sms' ? 'gd_send_sms_failure' : 'gd_send_voice_failure';
      let bucket;
      try {
        bucket = await limiter.take(PHONE_LIMITS.sends, `${tenant.id}:${user.id}`);
      } catch (err) {
        // Fail closed: no count, no send. The failure event names the outage (Auth0: "a system failure").
        if (!(err instanceof DependencyUnavailableError)) throw err;
        return recordOutage(events, tenant.id, err, { type: failed, ...who, details: { authenticator, purpose: message.purpose, provider_error: { errorCode: 'limiter_unavailable', message: unavailableDescription(err) } } }, context);
      }
      if (!bucket.allowed) {
        const now = clock.now();
        await events.record(
          tenant.id,
          {
            type: 'limit_phone',
            description: `Too many ${channel === 'sms' ? 'SMS messages' : 'voice calls'} for this user: wait before sending another code`,
            ...who,
            details: { delivery_method: channel, type: message.purpose, trigger_time: now.toISOString(), reset_time: new Date(now.getTime() + bucket.retryAfterMs).toISOString(), authenticator },
          },
          context,
        );
        throw new PhoneSendError('too_many_messages', channel, 'Too many messages sent to this user', bucket.retryAfterMs);
      }

      const fail = async (reason: SendRefusal, provider: string, text: string): Promise<never> => {
        // Nothing left Guardline, so the attempt does not count against the user's sends (a provider outage must not
        // lock users out for hours). An unreachable upstream may have delivered after all: that one still counts.
        if (reason !== 'provider_unreachable') await limiter.refund(PHONE_LIMITS.sends, `${tenant.id}:${user.id}`);
        await events.record(
          tenant.id,
          { type: failed, description: text, ...who, details: { authenticator, purpose: message.purpose, provider, provider_error: { errorCode: reason, message: text } } },
          context,
        );
        throw new PhoneSendError(reason, channel, text);
      };

      let body: string;
      try {
        const source = settings.templates[message.purpose] ?? defaultTemplate(message.purpose, channel, message.locale);
        body = await renderMessage({ source, channel, code: message.code, locale: message.locale, tenantFriendlyName: tenant.friendlyName });
      } catch (err) {
        if (!(err instanceof TemplateError)) throw err;
        return fail('template_error', settings.provider, `The ${message.purpose} template could not be rendered: ${err.message}`);
      }

      if (isTestNumber(settings, to)) {
        // A test number: the code is the fixed one the tenant listed, nothing reaches a provider and the built-in
        // cap is not touched; the rendered message is kept in the dev inbox so the text (and voice script) can be read.
        const messageId = await devInbox({ tenantId: tenant.id, to, channel, purpose: message.purpose, locale: message.locale, body });
        await events.record(tenant.id, { type: sent, description: 'Test number: kept in the dev inbox, not sent', ...who, details: { authenticator, purpose: message.purpose, provider: 'test-number', message_id: messageId } }, context);
        return;
      }

      const provider = providers[settings.provider];
      if (!provider) return fail('provider_not_available', settings.provider, NOT_YET_AVAILABLE[settings.provider as Exclude<PhoneProviderName, 'auth0'>]);
      const outcome = await provider.send({ tenantId: tenant.id, to, channel, purpose: message.purpose, locale: message.locale, body });
      if (!outcome.ok) return fail(outcome.errorCode, outcome.provider, outcome.message);
      await events.record(
        tenant.id,
        { type: sent, ...who, details: { authenticator, purpose: message.purpose, provider: outcome.provider, message_id: outcome.messageId } },
        context,
      );
    },
  };
}

export type PhoneDelivery = ReturnType<typeof createPhoneDelivery>;
