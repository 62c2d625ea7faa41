import { createPoller } from '../poller.js';
import type { ProviderMessage } from '../../delivery/kit.js';
import { createSortableIdGenerator } from '../../domain/ids.js';
import { maskPhoneNumber } from '../../domain/phone-number.js';
import type { MessageChannel } from '../../domain/message-templates.js';
import type { ServiceDeps } from '../context.js';
import type { Deliveries } from '../deliveries.js';
import type { EventLog } from '../events.js';
import type { Tenants } from '../tenants.js';
import type { PhoneActions } from './run.js';

/**
 * `api.notification.retry(reason)`: Auth0 "will retry it up to 5 times in the next minutes". A retry is a row in
 * `action_retries` (migration 0010), so it survives a restart and runs on whichever node claims it first; the
 * message (with its code) is sealed at rest. Each retry runs the action's *current* deployment and secrets, writes
 * a `gd_send_*` or `gd_send_*_failure` event and moves the first attempt's ledger row to `sent` or `failed`.
 * The delays add up to about five minutes — a one-time code's default lifetime — after which a retry is pointless.
 */
export const ACTION_RETRY_DELAYS_MS = [10_000, 20_000, 40_000, 80_000, 150_000] as const;
/** How long a node holds a claimed retry before another node may take it (longer than any execution). */
const LEASE_MS = 60_000;
const BATCH = 20;

interface StoredMessage {
  message: Omit<ProviderMessage, 'renderAs'>;
  renderings: Record<MessageChannel, string>;
  providerConfigId: string;
  firstExecutionId: string;
}

export function createActionRetries(
  deps: Pick<ServiceDeps, 'store' | 'clock' | 'random' | 'secretBox'>,
  { phoneActions, tenants, deliveries, events }: { phoneActions: PhoneActions; tenants: Tenants; deliveries: Deliveries; events: EventLog },
) {
  const { store, clock, secretBox } = deps;
  const ids = createSortableIdGenerator(deps.random);
  const at = (ms: number) => new Date(clock.now().getTime() + ms).toISOString();

  async function finish(row: { id: string; tenant_id: string }, stored: StoredMessage, attempt: number, result: { executionId?: string; delivered: boolean; errorCode?: string; reason?: string }) {
    const { message } = stored;
    const channel = message.channel;
    const who = { userId: message.user.id || null, userName: message.user.name || null, clientId: message.client?.id ?? null, clientName: message.client?.name ?? null };
    const error = result.delivered ? undefined : { errorCode: result.errorCode ?? 'action_failed', message: result.reason ?? 'The action failed.' };
    const deliveryId = await deliveries.applyRetryOutcome(row.tenant_id, stored.providerConfigId, stored.firstExecutionId, result.delivered ? 'sent' : 'failed', error);
    const details = {
      authenticator: { type: channel, phone_number: maskPhoneNumber(message.to) },
      purpose: message.purpose,
      provider: 'custom',
      provider_config_id: stored.providerConfigId,
      delivery_id: deliveryId ?? null,
      retry_attempt: attempt,
      ...(result.executionId ? { actions: { executions: [result.executionId] } } : {}),
    };
    await events.record(
      row.tenant_id,
      result.delivered
        ? { type: channel === 'sms' ? 'gd_send_sms' : 'gd_send_voice', description: `Sent by the custom phone provider action on retry ${attempt}`, ...who, details }
        : { type: channel === 'sms' ? 'gd_send_sms_failure' : 'gd_send_voice_failure', description: error!.message, ...who, details: { ...details, provider_error: error } },
    );
    await store.actionRetries.delete(row.id);
  }

  async function runOne(row: Awaited<ReturnType<typeof store.actionRetries.due>>[number]): Promise<void> {
    const stored = JSON.parse(secretBox.open(row.message)) as StoredMessage;
    const attempt = row.attempts + 1;
    const tenant = await tenants.findById(row.tenant_id);
    const binding = tenant ? await phoneActions.bound(tenant, 'custom-phone-provider') : undefined;
    if (!tenant || !binding) {
      return finish(row, stored, attempt, { delivered: false, errorCode: 'custom_email_provider_deployed_action_not_found', reason: 'The retry found no deployed custom-phone-provider action.' });
    }
    const message: ProviderMessage = { ...stored.message, renderAs: async (channel) => stored.renderings[channel] };
    const run = await phoneActions.run(tenant, 'custom-phone-provider', binding, message);
    if (run.retry) {
      if (attempt >= ACTION_RETRY_DELAYS_MS.length) {
        return finish(row, stored, attempt, { executionId: run.executionId, delivered: false, errorCode: 'action_retries_exhausted', reason: `The action asked for a retry ${attempt} times: ${run.retry.reason}`.slice(0, 1024) });
      }
      await store.actionRetries.reschedule(row.id, { attempts: attempt, next_attempt_at: at(ACTION_RETRY_DELAYS_MS[attempt]!), last_reason: run.retry.reason.slice(0, 1024) });
      return;
    }
    if (run.outcome.kind === 'delivered-to-provider') return finish(row, stored, attempt, { executionId: run.executionId, delivered: true });
    return finish(row, stored, attempt, { executionId: run.executionId, delivered: false, errorCode: run.outcome.error.errorCode, reason: run.outcome.error.message });
  }


  const retries = {
    /** Keeps `message` for another run of the action, the first after `ACTION_RETRY_DELAYS_MS[0]`. */
    async schedule(tenantId: string, providerConfigId: string, firstExecutionId: string, message: ProviderMessage, reason: string): Promise<void> {
      const { renderAs, ...plain } = message;
      const renderings = {
        sms: message.channel === 'sms' ? message.text : ((await renderAs?.('sms')) ?? message.text),
        voice: message.channel === 'voice' ? message.text : ((await renderAs?.('voice')) ?? message.text),
      };
      const stored: StoredMessage = { message: plain, renderings, providerConfigId, firstExecutionId };
      await store.actionRetries.insert({
        id: `art_${ids(clock.now())}`,
        tenant_id: tenantId,
        trigger_id: 'custom-phone-provider',
        delivery_id: null,
        message: secretBox.seal(JSON.stringify(stored)),
        attempts: 0,
        next_attempt_at: at(ACTION_RETRY_DELAYS_MS[0]),
        lease_until: null,
        last_reason: reason.slice(0, 1024),
        created_at: clock.now().toISOString(),
      });
    },

    /** Runs every retry that is due and that this node claims first; returns how many ran. */
    async runDue(): Promise<number> {
      const now = clock.now().toISOString();
      let ran = 0;
      for (const row of await store.actionRetries.due(now, BATCH)) {
        if (!(await store.actionRetries.claim(row.id, now, at(LEASE_MS)))) continue;
        try {
          await runOne(row);
        } catch {
          // Storage trouble mid-retry: the lease runs out and a node tries again later.
        }
        ran++;
      }
      return ran;
    },

  };
  const poller = createPoller(() => retries.runDue(), 2_000);
  return { ...retries, start: poller.start, stop: poller.stop };
}

export type ActionRetries = ReturnType<typeof createActionRetries>;
