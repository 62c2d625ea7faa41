import { createPoller } from '../poller.js';
import { createHmac } from 'node:crypto';
import { guardedFetch } from '../../actions/sandbox/network.js';
import type { NetworkPolicy } from '../../actions/types.js';
import { isCallingCountry } from '../../domain/calling-codes.js';
import { createSortableIdGenerator, randomString } from '../../domain/ids.js';
import { MICROS_PER_UNIT } from '../../domain/phone-fraud/prices.js';
import type { UsageMetric, UsagePeriod, WatchedUsage } from '../../domain/phone-fraud/send-limits.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors/errors.js';
import type { UsageTriggerRow, WebhookDeliveryRow } from '../../store/repositories/phone-fraud.js';
import type { ConfigCache } from '../config-cache.js';
import type { RequestContext, ServiceDeps } from '../context.js';
import type { EventLog } from '../events.js';
import type { Tenant } from '../tenants.js';

/**
 * Usage triggers: a threshold on messages or estimated cost per hour, day or month, for the tenant or one country.
 * The send that crosses it (fraud guard, guard.ts) raises a `gl_fraud_alert` event and queues one webhook per trigger
 * and window (a unique row, so two nodes crossing together queue one). The webhook is a signed POST, retried from the
 * queue (`webhook_deliveries`) with back-off by whichever node claims it; it goes out through the actions' guarded
 * fetch (public addresses only unless GUARDLINE_ACTIONS_ALLOW_PRIVATE_NETWORK), so a tenant cannot aim it inside.
 */
export interface UsageTriggerDefinition {
  name: string;
  metric: UsageMetric;
  period: UsagePeriod;
  /** messages, or cost in the price table's currency */
  threshold: number;
  country: string | null;
  webhook_url: string;
}

export interface UsageTriggerView extends UsageTriggerDefinition {
  id: string;
  created_at: string;
}

export const MAX_USAGE_TRIGGERS = 20;
/** Delays before the 2nd … 7th attempt of a webhook; after the last it is given up and kept with its error. */
export const WEBHOOK_RETRY_DELAYS_MS = [10_000, 60_000, 300_000, 1_800_000, 7_200_000, 21_600_000] as const;
const LEASE_MS = 30_000;
const TIMEOUT_MS = 5_000;
const BATCH = 20;

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, as Stripe-style receivers check it. */
export function webhookSignature(secret: string, timestampSeconds: number, body: string): string {
  return `t=${timestampSeconds},v1=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex')}`;
}

const toView = (row: UsageTriggerRow): UsageTriggerView => ({ id: row.id, ...(JSON.parse(row.definition) as UsageTriggerDefinition), created_at: row.created_at });

export function createUsageTriggers(deps: Pick<ServiceDeps, 'store' | 'clock' | 'random' | 'secretBox'>, { cache, events, network }: { cache: ConfigCache; events: EventLog; network: NetworkPolicy }) {
  const { store, clock, secretBox } = deps;
  const ids = createSortableIdGenerator(deps.random);
  const views = (tenant: Tenant) => cache.read(tenant, 'usage-triggers', async () => (await store.phoneFraud.listTriggers(tenant.id)).map(toView));

  function check(input: UsageTriggerDefinition): UsageTriggerDefinition {
    let url: URL;
    try {
      url = new URL(input.webhook_url);
    } catch {
      throw new ValidationError('webhook_url must be an absolute URL');
    }
    if (url.protocol !== 'https:' && !(network.allowPrivateNetwork && url.protocol === 'http:')) throw new ValidationError('webhook_url must be an https:// URL');
    if (url.username || url.password) throw new ValidationError('webhook_url must not carry credentials: the request is signed instead');
    const country = input.country === null || input.country === undefined ? null : input.country.toUpperCase();
    if (country !== null && !isCallingCountry(country)) throw new ValidationError(`country: "${input.country}" is not an ISO 3166-1 alpha-2 country with a calling code`);
    if (input.metric === 'messages' && !Number.isInteger(input.threshold)) throw new ValidationError('threshold must be a whole number of messages');
    return { ...input, country };
  }

  async function deliver(row: WebhookDeliveryRow): Promise<void> {
    const trigger = await store.phoneFraud.findTrigger(row.tenant_id, row.trigger_id);
    const attempts = row.attempts + 1;
    if (!trigger) return store.phoneFraud.finishWebhook(row.id, { error: 'the trigger was deleted', attempts, nextAttemptAt: null });
    const secret = secretBox.open(trigger.secret);
    const url = (JSON.parse(trigger.definition) as UsageTriggerDefinition).webhook_url;
    const stamp = Math.floor(clock.now().getTime() / 1000);
    const { answer } = await guardedFetch(
      { url, method: 'POST', headers: { 'content-type': 'application/json', 'guardline-signature': webhookSignature(secret, stamp, row.payload), 'guardline-delivery': row.id }, body: row.payload },
      { policy: network, timeoutMs: TIMEOUT_MS, maxResponseBytes: 16 * 1024 },
    );
    if ('status' in answer && answer.status >= 200 && answer.status < 300) return store.phoneFraud.finishWebhook(row.id, { deliveredAt: clock.now().toISOString(), attempts });
    const error = 'status' in answer ? `the endpoint answered ${answer.status}` : answer.error;
    const delay = WEBHOOK_RETRY_DELAYS_MS[attempts - 1];
    await store.phoneFraud.finishWebhook(row.id, { error: error.slice(0, 500), attempts, nextAttemptAt: delay === undefined ? null : new Date(clock.now().getTime() + delay).toISOString() });
  }


  const triggers = {
    list: views,

    /** What the fraud guard must count for this tenant's triggers (counters exist only when something watches them). */
    watched: async (tenant: Tenant): Promise<WatchedUsage[]> => (await views(tenant)).map(({ metric, period, country }) => ({ metric, period, country })),

    async get(tenant: Tenant, id: string): Promise<UsageTriggerView & { deliveries: Array<{ id: string; window: string; attempts: number; delivered_at: string | null; last_error: string | null; created_at: string }> }> {
      const row = await store.phoneFraud.findTrigger(tenant.id, id);
      if (!row) throw new NotFoundError('usage_trigger', 'The usage trigger does not exist.');
      const deliveries = (await store.phoneFraud.listWebhooks(tenant.id, id)).map((d) => ({ id: d.id, window: d.window_key, attempts: d.attempts, delivered_at: d.delivered_at, last_error: d.last_error, created_at: d.created_at }));
      return { ...toView(row), deliveries };
    },

    /** Creates a trigger; the signing secret is in this answer only. */
    async create(tenant: Tenant, input: UsageTriggerDefinition): Promise<UsageTriggerView & { secret: string }> {
      const definition = check(input);
      if ((await store.phoneFraud.countTriggers(tenant.id)) >= MAX_USAGE_TRIGGERS) throw new ConflictError('usage_trigger_limit', `A tenant can have at most ${MAX_USAGE_TRIGGERS} usage triggers.`);
      const secret = `whsec_${randomString(deps.random, 32)}`;
      const row: UsageTriggerRow = { id: `utr_${randomString(deps.random, 16)}`, tenant_id: tenant.id, definition: JSON.stringify(definition), secret: secretBox.seal(secret), created_at: clock.now().toISOString() };
      await store.phoneFraud.insertTrigger(row);
      return { ...toView(row), secret };
    },

    async remove(tenant: Tenant, id: string): Promise<void> {
      if (!(await store.phoneFraud.deleteTrigger(tenant.id, id))) throw new NotFoundError('usage_trigger', 'The usage trigger does not exist.');
    },

    /**
     * A send moved a usage counter from `before` to `after`: every trigger whose threshold lies in between fires once
     * for the window (alert event and webhook), on the node whose queue row went in first.
     */
    async crossed(tenant: Tenant, usage: WatchedUsage & { windowKey: string; before: number; after: number }, context: RequestContext): Promise<void> {
      for (const trigger of await views(tenant)) {
        if (trigger.metric !== usage.metric || trigger.period !== usage.period || trigger.country !== usage.country) continue;
        const threshold = trigger.metric === 'cost' ? Math.round(trigger.threshold * MICROS_PER_UNIT) : trigger.threshold;
        if (!(usage.before < threshold && usage.after >= threshold)) continue;
        const value = trigger.metric === 'cost' ? usage.after / MICROS_PER_UNIT : usage.after;
        const at = clock.now().toISOString();
        const id = `whd_${ids(clock.now())}`;
        const payload = JSON.stringify({
          id,
          type: 'usage.threshold_crossed',
          created_at: at,
          tenant: tenant.name,
          trigger: { id: trigger.id, name: trigger.name, metric: trigger.metric, period: trigger.period, country: trigger.country, threshold: trigger.threshold },
          window: usage.windowKey,
          value,
        });
        const queued = await store.phoneFraud.enqueueWebhook({ id, tenant_id: tenant.id, trigger_id: trigger.id, window_key: usage.windowKey, payload, attempts: 0, next_attempt_at: at, lease_until: null, last_error: null, delivered_at: null, created_at: at });
        if (!queued) continue;
        await events.record(
          tenant.id,
          {
            type: 'gl_fraud_alert',
            description: `Usage trigger "${trigger.name}": ${trigger.metric} this ${trigger.period}${trigger.country ? ` to ${trigger.country}` : ''} reached ${value} (threshold ${trigger.threshold})`,
            details: { alert: 'usage_threshold', trigger_id: trigger.id, metric: trigger.metric, period: trigger.period, country: trigger.country, threshold: trigger.threshold, value, window: usage.windowKey, webhook_delivery_id: id },
          },
          context,
        );
      }
    },

    /** Sends every due webhook this node claims first; returns how many were attempted. */
    async runDue(): Promise<number> {
      const now = clock.now().toISOString();
      let ran = 0;
      for (const row of await store.phoneFraud.dueWebhooks(now, BATCH)) {
        if (!(await store.phoneFraud.claimWebhook(row.id, now, new Date(clock.now().getTime() + LEASE_MS).toISOString()))) continue;
        try {
          await deliver(row);
        } catch {
          // Storage trouble mid-delivery: the lease runs out and a node tries again.
        }
        ran++;
      }
      return ran;
    },

  };
  const poller = createPoller(() => triggers.runDue(), 2_000);
  return { ...triggers, start: poller.start, stop: poller.stop };
}

export type UsageTriggers = ReturnType<typeof createUsageTriggers>;
