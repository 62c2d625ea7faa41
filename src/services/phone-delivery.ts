import { DELIVERY_DEFAULTS } from '../config/load.js';
import { BUILTIN_MESSAGE_CAP } from '../delivery/builtin.js';
import { createCircuitBreaker } from '../delivery/circuit-breaker.js';
import { createSlotPool } from '../delivery/concurrency.js';
import { createDevInboxWriter } from '../delivery/dev-inbox.js';
import { BUILTIN_PROVIDER_ID, type ProviderRegistry } from '../delivery/registry.js';
import { defaultTemplate } from '../domain/default-templates.js';
import type { LogType } from '../domain/log-types.js';
import { renderMessage, TemplateError, withOriginBoundCode, type MessageChannel, type MessagePurpose, type TemplateLocale } from '../domain/message-templates.js';
import { maskPhoneNumber, parsePhoneNumber } from '../domain/phone-number.js';
import { DependencyUnavailableError } from '../errors/errors.js';
import { DELIVERY_LIMITS, PHONE_LIMITS } from '../limits/index.js';
import type { RequestContext, ServiceDeps } from './context.js';
import type { Deliveries } from './deliveries.js';
import { deliveredAttempt, mayHaveBeenDelivered, runChain, type ChainHop, type HopAttempt } from './delivery-chain.js';
import type { EventLog, LogEntryInput } from './events.js';
import type { GuardianSettings } from './guardian.js';
import { recordOutage, unavailableDescription } from './outage.js';
import type { ProviderConfigs } from './provider-configs.js';
import type { Tenant } from './tenants.js';
import type { ProviderMessage } from '../delivery/kit.js';
import type { ActionRetries } from './phone-actions/retries.js';
import type { ActionRun, PhoneActions } from './phone-actions/run.js';
import { CUSTOM_PHONE_PROVIDER, PHONE_MESSAGE_HOOK_PROVIDER } from '../delivery/providers/action-providers.js';
import { sendStatus, type Metrics } from '../metrics/index.js';
import type { FraudGuard, GuardRefusal } from './phone-fraud/guard.js';

/**
 * The one path every phone message takes: the tenant's template in the caller's locale, test numbers (the user's send
 * bucket only), the provider chain's hops, the fraud guard (phone-fraud/guard.ts: rules, then every limit of the send
 * in one atomic take, the user's own bucket among them), the built-in provider's cap, the chain (delivery-chain.ts),
 * the ledger rows and the `gd_send_*` / `limit_phone` / `gl_phone_refused` events, and the optional SMS→voice
 * fallback. Providers only deliver; every policy (limits, fraud rules, the cap, which providers to try) is decided here.
 */

export type SendRefusal =
  | 'too_many_messages'
  | 'too_many_sms_per_tenant'
  | 'voice_not_supported'
  | 'provider_not_available'
  | 'template_error'
  /** a fraud rule refuses this destination: its country, a blocked or high-risk prefix, a pumping block */
  | 'number_not_allowed'
  /** the tenant's budget cap for this period is reached */
  | 'budget_reached'
  /** every provider failed transiently (or was skipped): try again later */
  | 'transient'
  /** the provider refused the number (invalid, unreachable, unsubscribed, geo permission): another try will not help */
  | 'permanent'
  /** the tenant's provider configuration is wrong: the operator must fix it */
  | 'misconfigured';

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

/** What one send came to, for callers that show it (the provider `try` endpoint). */
export interface SendReport {
  channel: MessageChannel;
  provider: string;
  deliveryId: string;
  messageId: string;
  /** Whether the SMS failed and the code went by voice instead. */
  fellBack: boolean;
}

/** The text of a provider test (`POST /api/v2/branding/phone/providers/{id}/try`), in the tenant's language. */
const TEST_MESSAGE: Record<TemplateLocale, (tenant: string) => string> = {
  en: (tenant) => `This is a test message from ${tenant}: this phone provider works.`,
  ja: (tenant) => `${tenant} からのテストメッセージです。この電話プロバイダーは正常に動作しています。`,
};

export type TestSendResult =
  | { ok: true; provider: string; messageId: string; deliveryId: string }
  | { ok: false; kind: 'transient' | 'permanent' | 'misconfigured' | 'skipped'; errorCode: string; message: string; deliveryId: string | undefined };

export function createPhoneDelivery(
  deps: ServiceDeps,
  {
    events,
    registry,
    providerConfigs,
    deliveries,
    phoneActions,
    actionRetries,
    metrics,
    fraudGuard,
  }: { events: EventLog; registry: ProviderRegistry; providerConfigs: ProviderConfigs; deliveries: Deliveries; phoneActions: PhoneActions; actionRetries: ActionRetries; metrics: Metrics; fraudGuard: FraudGuard },
) {
  const { limiter, clock, store } = deps;
  const devInbox = createDevInboxWriter(deps);
  const delivery = deps.config.delivery ?? DELIVERY_DEFAULTS;
  const breaker = createCircuitBreaker(limiter, DELIVERY_LIMITS.providerFailures);
  const slots = createSlotPool(delivery.concurrency);
  const chainDeps = (tenant: Tenant) => ({
    registry,
    fetch: deps.fetch ?? globalThis.fetch,
    breaker,
    slots,
    budgetMs: delivery.budgetMs,
    now: () => clock.now(),
    callbackUrl: (hop: ChainHop) => (hop.providerConfigId ? `${tenant.issuer}phone/receipts/${hop.providerConfigId}` : undefined),
  });

  const isTestNumber = (settings: GuardianSettings, to: string) => settings.testNumbers.some((n) => n.phone_number === to);

  /** Whether a code can go to `to` on `channel` at all (checked before anything is written). */
  function channelProblem(settings: GuardianSettings, channel: MessageChannel, to: string): string | undefined {
    if (!settings.messageTypes.includes(channel)) return `${channel === 'sms' ? 'SMS' : 'Voice'} messages are not enabled for this tenant.`;
    if (settings.provider === BUILTIN_PROVIDER_ID && !registry.supports(BUILTIN_PROVIDER_ID, channel) && !isTestNumber(settings, to)) {
      return 'The built-in phone provider cannot place voice calls: the tenant must select twilio or phone-message-hook for voice.';
    }
    return undefined;
  }

  const isActionHop = (hop: ChainHop) => hop.definition.id === PHONE_MESSAGE_HOOK_PROVIDER.id || hop.definition.id === CUSTOM_PHONE_PROVIDER.id;

  /**
   * An action provider's hop runs the tenant's bound, deployed action (phone-actions/run.ts); unbound, its
   * definition answers Auth0's "no deployed action" error. Each tenant's actions have their own concurrency slots.
   */
  async function actionHop(tenant: Tenant, hop: ChainHop): Promise<ChainHop> {
    const trigger = hop.definition.id === PHONE_MESSAGE_HOOK_PROVIDER.id ? 'send-phone-message' : 'custom-phone-provider';
    const binding = await phoneActions.bound(tenant, trigger);
    if (!binding) return hop;
    const retry = async (run: ActionRun, message: ProviderMessage) => {
      if (hop.providerConfigId && run.retry) await actionRetries.schedule(tenant.id, hop.providerConfigId, run.executionId, message, run.retry.reason);
    };
    return { ...hop, definition: phoneActions.boundDefinition(hop.definition, tenant, binding, retry), slotKey: `action:${tenant.id}` };
  }

  /** The providers to try for `channel` to `to`, in order: the built-in one, the send-phone-message action, or the tenant's enabled configurations for that country. */
  async function hopsFor(tenant: Tenant, settings: GuardianSettings, channel: MessageChannel, to: string): Promise<ChainHop[]> {
    if (settings.provider === 'phone-message-hook') return [await actionHop(tenant, { definition: PHONE_MESSAGE_HOOK_PROVIDER, config: {}, providerConfigId: undefined })];
    if (settings.provider === BUILTIN_PROVIDER_ID) {
      const builtin = registry.get(BUILTIN_PROVIDER_ID);
      return builtin ? [{ definition: builtin, config: {}, providerConfigId: undefined }] : [];
    }
    const parsed = parsePhoneNumber(to);
    const country = parsed.ok ? parsed.country : undefined;
    const configs = await providerConfigs.chain(tenant);
    const hops = configs
      .filter((c) => c.channels.includes(channel) && (c.countries === null || (country !== undefined && c.countries.includes(country))))
      .map((c): ChainHop => ({ definition: c.definition, config: c.config, providerConfigId: c.id }));
    return Promise.all(hops.map((hop) => (hop.definition.id === CUSTOM_PHONE_PROVIDER.id ? actionHop(tenant, hop) : hop)));
  }

  async function render(message: CodeMessage, channel: MessageChannel): Promise<string> {
    const { settings, tenant } = message;
    // A tenant's own template is one text for both channels; the defaults have a voice variant.
    const source = settings.templates[message.purpose] ?? defaultTemplate(message.purpose, channel, message.locale);
    const text = await renderMessage({ source, channel, code: message.code, locale: message.locale, tenantFriendlyName: tenant.friendlyName });
    // SMS only: a voice script is read aloud, and autofill reads text messages. The login domain is the issuer's host.
    return channel === 'sms' && settings.otpAutofill ? withOriginBoundCode(text, new URL(tenant.issuer).hostname, message.code) : text;
  }

  /** Runs the chain for one channel and writes its ledger rows and one event per hop (two statements, whatever the hops). */
  async function attempt(message: CodeMessage, channel: MessageChannel, text: string, hops: ChainHop[], sendId: string, firstAttempt: number, extraDetails: Record<string, unknown>) {
    const { tenant, user, client, to, context } = message;
    const attempts = await runChain(
      hops,
      {
        tenant: { id: tenant.id, friendlyName: tenant.friendlyName },
        user,
        client,
        request: { ip: context.ip, language: message.locale, userAgent: context.userAgent, hostname: context.hostname },
        purpose: message.purpose,
        channel,
        to,
        code: message.code,
        text,
        locale: message.locale,
        renderAs: (other) => (other === channel ? Promise.resolve(text) : render(message, other)),
      },
      chainDeps(tenant),
    );
    const parsed = parsePhoneNumber(to);
    const country = (parsed.ok && parsed.country) || 'unknown';
    for (const a of attempts) metrics.phoneAttempt({ channel, provider: a.hop.definition.id, status: sendStatus(a.outcome.kind), country, elapsedMs: a.elapsedMs });
    const rows = deliveries.rowsFor(tenant.id, sendId, firstAttempt, to, channel, message.purpose, attempts);
    const who = { userId: user.id, userName: user.name, clientId: client?.id ?? null, clientName: client?.name ?? null };
    const authenticator = { id: message.authenticatorId, type: channel, phone_number: maskPhoneNumber(to) };
    const entries: LogEntryInput[] = attempts.map((a, index) => {
      const row = rows[index]!;
      const execution = a.outcome.kind === 'delivered-to-provider' ? (isActionHop(a.hop) ? a.outcome.messageId : undefined) : a.outcome.error.actionExecutionId;
      const common = {
        authenticator,
        purpose: message.purpose,
        provider: a.hop.definition.id,
        provider_config_id: a.hop.providerConfigId ?? null,
        delivery_id: row.id,
        send_id: sendId,
        attempt: row.attempt,
        // Auth0's shape: the executions of the actions that handled the message.
        ...(execution ? { actions: { executions: [execution] } } : {}),
        ...extraDetails,
      };
      if (a.outcome.kind === 'delivered-to-provider') {
        return { type: channel === 'sms' ? 'gd_send_sms' : 'gd_send_voice', ...who, details: { ...common, message_id: a.outcome.messageId } };
      }
      const { errorCode, message: text } = a.outcome.error;
      return { type: channel === 'sms' ? 'gd_send_sms_failure' : 'gd_send_voice_failure', description: text, ...who, details: { ...common, outcome: a.outcome.kind, provider_error: { errorCode, message: text } } };
    });
    if (rows.length > 0) await store.deliveries.insertMany(rows);
    await events.recordAll(tenant.id, entries, context);
    return { attempts, rows };
  }

  function refusalOf(attempts: readonly HopAttempt[]): { reason: SendRefusal; text: string } {
    const last = attempts.at(-1);
    if (!last || last.outcome.kind === 'delivered-to-provider') return { reason: 'transient', text: 'The delivery time budget ran out before any provider could be tried.' };
    const reason: SendRefusal = last.outcome.kind === 'skipped' ? 'transient' : last.outcome.kind;
    return { reason, text: last.outcome.error.message };
  }

  type Who = { userId: string; userName: string; clientId: string | null; clientName: string | null };
  type AuthenticatorFacts = { id: string; type: MessageChannel; phone_number: string };

  /** A limiter step that fails closed: no count, no send; the failure event names the outage (Auth0: "a system failure"). */
  async function failClosed<T>(step: () => Promise<T>, failed: LogType, who: Who, authenticator: AuthenticatorFacts, message: CodeMessage): Promise<T> {
    try {
      return await step();
    } catch (err) {
      if (!(err instanceof DependencyUnavailableError)) throw err;
      return recordOutage(events, message.tenant.id, err, { type: failed, ...who, details: { authenticator, purpose: message.purpose, provider_error: { errorCode: 'limiter_unavailable', message: unavailableDescription(err) } } }, message.context);
    }
  }

  /** Auth0's `limit_phone`: the user's own bucket (or phone provider protection) is empty. */
  async function limitPhone(message: CodeMessage, who: Who, authenticator: AuthenticatorFacts, retryAfterMs: number, by: 'user' | 'backoff' = 'user'): Promise<never> {
    const { channel } = message;
    const now = clock.now();
    const description =
      by === 'backoff'
        ? 'Phone provider protection: wait before another code is sent to this user'
        : `Too many ${channel === 'sms' ? 'SMS messages' : 'voice calls'} for this user: wait before sending another code`;
    await events.record(
      message.tenant.id,
      { type: 'limit_phone', description, ...who, details: { delivery_method: channel, type: message.purpose, trigger_time: now.toISOString(), reset_time: new Date(now.getTime() + retryAfterMs).toISOString(), authenticator, ...(by === 'backoff' ? { protection: 'exponential' } : {}) } },
      message.context,
    );
    throw new PhoneSendError('too_many_messages', channel, 'Too many messages sent to this user', retryAfterMs);
  }

  /** The fraud guard said no: `limit_phone` for the user's own limits, `gl_phone_refused` for the fraud rules. */
  async function guardRefused(message: CodeMessage, who: Who, authenticator: AuthenticatorFacts, refusal: GuardRefusal): Promise<never> {
    if (refusal.kind === 'user_limit') return limitPhone(message, who, authenticator, refusal.retryAfterMs, refusal.by);
    const reason = refusal.kind === 'rule' ? refusal.reason : refusal.kind === 'velocity' ? `velocity_${refusal.scope}` : 'budget_reached';
    const facts =
      refusal.kind === 'rule'
        ? { ...('country' in refusal ? { country: refusal.country ?? null } : {}), ...('prefix' in refusal ? { prefix: refusal.prefix } : {}) }
        : refusal.kind === 'velocity'
          ? { scope: refusal.scope, retry_after_ms: refusal.retryAfterMs }
          : { metric: refusal.metric, period: refusal.period, country: refusal.country };
    await events.record(message.tenant.id, { type: 'gl_phone_refused', description: refusal.message, ...who, details: { authenticator, purpose: message.purpose, delivery_method: message.channel, reason, ...facts } }, message.context);
    if (refusal.kind === 'velocity') throw new PhoneSendError('too_many_messages', message.channel, refusal.message, refusal.retryAfterMs);
    if (refusal.kind === 'budget') throw new PhoneSendError('budget_reached', message.channel, refusal.message);
    throw new PhoneSendError('number_not_allowed', message.channel, refusal.message);
  }

  return {
    channelProblem,

    /**
     * Sends a test message through one provider configuration on the real path (registry, runtime, budget, circuit,
     * concurrency, ledger, events), without a user: no send bucket, no code. For the provider `try` endpoint.
     */
    async sendTest(tenant: Tenant, providerConfigId: string, to: string, channel: MessageChannel, context: RequestContext): Promise<TestSendResult | undefined> {
      const config = await providerConfigs.openById(providerConfigId);
      if (!config || config.tenantId !== tenant.id) return undefined;
      if (!config.channels.includes(channel)) return { ok: false, kind: 'misconfigured', errorCode: 'channel_not_supported', message: `This provider configuration does not carry ${channel === 'sms' ? 'SMS' : 'voice calls'}.`, deliveryId: undefined };
      const locale = tenant.defaultLocale;
      const text = TEST_MESSAGE[locale](tenant.friendlyName);
      const configured: ChainHop = { definition: config.definition, config: config.config, providerConfigId: config.id };
      const hop = config.definition.id === CUSTOM_PHONE_PROVIDER.id ? await actionHop(tenant, configured) : configured;
      const attempts = await runChain(
        [hop],
        { tenant: { id: tenant.id, friendlyName: tenant.friendlyName }, user: { id: '', name: '' }, client: undefined, request: { ip: context.ip, language: locale, userAgent: context.userAgent, hostname: context.hostname }, purpose: 'verification', channel, to, code: '', text, locale },
        chainDeps(tenant),
      );
      const rows = deliveries.rowsFor(tenant.id, deliveries.newSendId(), 1, to, channel, 'test', attempts);
      const entries: LogEntryInput[] = attempts.map((a, index) => {
        const common = { purpose: 'test', provider: a.hop.definition.id, provider_config_id: config.id, delivery_id: rows[index]!.id, destination: maskPhoneNumber(to) };
        return a.outcome.kind === 'delivered-to-provider'
          ? { type: channel === 'sms' ? 'gd_send_sms' : 'gd_send_voice', description: 'Provider test message sent', details: { ...common, message_id: a.outcome.messageId } }
          : { type: channel === 'sms' ? 'gd_send_sms_failure' : 'gd_send_voice_failure', description: a.outcome.error.message, details: { ...common, outcome: a.outcome.kind, provider_error: { errorCode: a.outcome.error.errorCode, message: a.outcome.error.message } } };
      });
      if (rows.length > 0) await store.deliveries.insertMany(rows);
      await events.recordAll(tenant.id, entries, context);
      const last = attempts.at(-1);
      if (last?.outcome.kind === 'delivered-to-provider') return { ok: true, provider: last.hop.definition.id, messageId: last.outcome.messageId, deliveryId: rows.at(-1)!.id };
      if (!last) return { ok: false, kind: 'transient', errorCode: 'timeout', message: 'The delivery time budget ran out.', deliveryId: undefined };
      return { ok: false, kind: last.outcome.kind, errorCode: last.outcome.error.errorCode, message: last.outcome.error.message, deliveryId: rows.at(-1)!.id };
    },

    /** Sends `code` to the user's phone or throws `PhoneSendError`; every outcome leaves its event. */
    async sendCode(message: CodeMessage): Promise<SendReport | undefined> {
      const { tenant, settings, user, client, to, channel, context } = message;
      const who = { userId: user.id, userName: user.name, clientId: client?.id ?? null, clientName: client?.name ?? null };
      const authenticator = { id: message.authenticatorId, type: channel, phone_number: maskPhoneNumber(to) };
      const sent: LogType = channel === 'sms' ? 'gd_send_sms' : 'gd_send_voice';
      const failed: LogType = channel === 'sms' ? 'gd_send_sms_failure' : 'gd_send_voice_failure';

      /** A refusal before anything was counted: its event, then the error. */
      const refuse = async (reason: SendRefusal, provider: string, text: string): Promise<never> => {
        await events.record(tenant.id, { type: failed, description: text, ...who, details: { authenticator, purpose: message.purpose, provider, provider_error: { errorCode: reason, message: text } } }, context);
        throw new PhoneSendError(reason, channel, text);
      };

      let body: string;
      try {
        body = await render(message, channel);
      } catch (err) {
        if (!(err instanceof TemplateError)) throw err;
        return refuse('template_error', settings.provider, `The ${message.purpose} template could not be rendered: ${err.message}`);
      }

      if (isTestNumber(settings, to)) {
        // A test number: the code is the fixed one the tenant listed, nothing reaches a provider (so no fraud rule,
        // budget or traffic counter applies) and the built-in cap is not touched; the user's own bucket still does.
        // The rendered message is kept in the dev inbox so the text (and voice script) can be read.
        const bucket = await failClosed(() => limiter.take(PHONE_LIMITS.sends, `${tenant.id}:${user.id}`), failed, who, authenticator, message);
        if (!bucket.allowed) return limitPhone(message, who, authenticator, bucket.retryAfterMs);
        const messageId = await devInbox({ tenantId: tenant.id, to, channel, purpose: message.purpose, locale: message.locale, body });
        await events.record(tenant.id, { type: sent, description: 'Test number: kept in the dev inbox, not sent', ...who, details: { authenticator, purpose: message.purpose, provider: 'test-number', message_id: messageId } }, context);
        return undefined;
      }

      const hops = await hopsFor(tenant, settings, channel, to);
      if (hops.length === 0) {
        return channel === 'voice'
          ? refuse('voice_not_supported', settings.provider, 'None of the configured phone providers of this tenant can place voice calls to this number.')
          : refuse('provider_not_available', settings.provider, 'No enabled phone provider of this tenant serves this number: configure one (Management API, /api/v2/branding/phone/providers).');
      }

      const builtin = hops.length === 1 && hops[0]!.definition.id === BUILTIN_PROVIDER_ID;
      const billed = !builtin || deps.config.builtinSmsUpstream !== undefined;
      const admission = await failClosed(() => fraudGuard.admit({ tenant, userId: user.id, to, channel, provider: hops[0]!.definition.id, billed, context }), failed, who, authenticator, message);
      if (!admission.ok) return guardRefused(message, who, authenticator, admission.refusal);
      const ticket = admission.ticket;

      if (builtin && !(await store.guardian.takeBuiltinMessage(tenant.id, BUILTIN_MESSAGE_CAP))) {
        await fraudGuard.settle(ticket, false, context);
        return refuse('too_many_sms_per_tenant', BUILTIN_PROVIDER_ID, `The built-in provider has sent its ${BUILTIN_MESSAGE_CAP} messages for this tenant: configure a delivery provider.`);
      }

      const sendId = deliveries.newSendId();
      const first = await attempt(message, channel, body, hops, sendId, 1, {});
      const done = deliveredAttempt(first.attempts);
      if (done && done.outcome.kind === 'delivered-to-provider') {
        await fraudGuard.settle(ticket, true, context);
        return { channel, provider: done.hop.definition.id, deliveryId: first.rows[first.attempts.indexOf(done)]!.id, messageId: done.outcome.messageId, fellBack: false };
      }
      await fraudGuard.providerFailed(tenant, to, context);
      // Nothing was sent: the message does not count against the built-in cap.
      if (builtin) await store.guardian.returnBuiltinMessage(tenant.id);

      const fallback = channel === 'sms' && settings.voiceFallback && settings.messageTypes.includes('voice') ? await hopsFor(tenant, settings, 'voice', to) : undefined;
      if (fallback && fallback.length > 0) {
        // The voice call is a second message: it passes the guard again (its own bucket token, cost and counters).
        const extra = await fraudGuard.admit({ tenant, userId: user.id, to, channel: 'voice', provider: fallback[0]!.definition.id, billed: true, context }).catch(() => undefined);
        const script = extra?.ok ? await render(message, 'voice').catch(() => undefined) : undefined;
        if (extra?.ok && script === undefined) await fraudGuard.settle(extra.ticket, false, context);
        if (extra?.ok && script !== undefined) {
          const second = await attempt(message, 'voice', script, fallback, sendId, first.attempts.length + 1, { fallback_from: 'sms' });
          const voiced = deliveredAttempt(second.attempts);
          if (voiced && voiced.outcome.kind === 'delivered-to-provider') {
            await fraudGuard.settle(ticket, mayHaveBeenDelivered(first.attempts), context);
            await fraudGuard.settle(extra.ticket, true, context);
            return { channel: 'voice', provider: voiced.hop.definition.id, deliveryId: second.rows[second.attempts.indexOf(voiced)]!.id, messageId: voiced.outcome.messageId, fellBack: true };
          }
          await fraudGuard.settle(extra.ticket, mayHaveBeenDelivered(second.attempts), context);
        }
      }

      // A provider that never answered may have delivered after all: that send still counts. Otherwise nothing left
      // Guardline, and a provider outage must not lock users out for hours.
      await fraudGuard.settle(ticket, mayHaveBeenDelivered(first.attempts), context);
      const { reason, text } = refusalOf(first.attempts);
      throw new PhoneSendError(reason, channel, text);
    },
  };
}

export type PhoneDelivery = ReturnType<typeof createPhoneDelivery>;
