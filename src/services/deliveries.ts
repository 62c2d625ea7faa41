import type { DeliveryStatus, ProviderError, ReceiptRequest } from '../delivery/kit.js';
import { createSortableIdGenerator, randomString } from '../domain/ids.js';
import type { MessageChannel, MessagePurpose } from '../domain/message-templates.js';
import { maskPhoneNumber, parsePhoneNumber } from '../domain/phone-number.js';
import { NotFoundError } from '../errors/errors.js';
import type { DeliveryAttemptRow, DeliveryFilter } from '../store/repositories/deliveries.js';
import type { ServiceDeps } from './context.js';
import type { HopAttempt } from './delivery-chain.js';
import type { ProviderConfigs } from './provider-configs.js';
import type { Tenant } from './tenants.js';

/**
 * The delivery ledger: one row per provider attempt, written with the send's events, updated by receipts. It holds
 * the masked destination and never the code, the text or a secret.
 */

export interface HistoryEntry {
  status: DeliveryStatus;
  at: string;
  /** `send` (the provider's answer) or `receipt` (a status callback). */
  /** `retry`: a later run of a custom-phone-provider action that had asked to be retried. */
  source: 'send' | 'receipt' | 'retry';
  error?: ProviderError;
}

export interface DeliveryView {
  id: string;
  send_id: string;
  attempt: number;
  channel: MessageChannel;
  /** `test`: a message sent by `POST /api/v2/branding/phone/providers/{id}/try`. */
  purpose: MessagePurpose | 'test';
  provider: string;
  provider_config_id: string | null;
  destination: string;
  country: string | null;
  status: DeliveryStatus;
  history: HistoryEntry[];
  provider_message_id: string | null;
  error: { class: string; errorCode: string; message: string } | null;
  accepted_at: string | null;
  sent_at: string | null;
  delivered_at: string | null;
  created_at: string;
  updated_at: string;
}

/** Receipt statuses by how far a message got: a receipt never moves a row backwards, and the first final one stays. */
const RANK: Record<DeliveryStatus, number> = { accepted: 0, queued: 1, sent: 2, delivered: 3, undelivered: 3, failed: 3 };

export type ReceiptOutcome = { ok: true; changed: boolean; deliveryId: string } | { ok: false; reason: 'unknown_config' | 'unauthenticated' | 'malformed' | 'unknown_message'; message: string };

export function toDeliveryView(row: DeliveryAttemptRow): DeliveryView {
  return {
    id: row.id,
    send_id: row.send_id,
    attempt: row.attempt,
    channel: row.channel as MessageChannel,
    purpose: row.purpose as MessagePurpose | 'test',
    provider: row.provider,
    provider_config_id: row.provider_config_id,
    destination: row.destination,
    country: row.country,
    status: row.status as DeliveryStatus,
    history: JSON.parse(row.history) as HistoryEntry[],
    provider_message_id: row.provider_message_id,
    error: row.error === null ? null : (JSON.parse(row.error) as DeliveryView['error']),
    accepted_at: row.accepted_at,
    sent_at: row.sent_at,
    delivered_at: row.delivered_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function createDeliveries({ store, clock, random }: ServiceDeps, { providerConfigs }: { providerConfigs: ProviderConfigs }) {
  const nextId = createSortableIdGenerator(random);

  return {
    newSendId: () => `snd_${randomString(random, 16)}`,

    /** The ledger rows of one send's attempts (numbered from `firstAttempt`), for the caller to insert with its events. */
    rowsFor(tenantId: string, sendId: string, firstAttempt: number, to: string, channel: MessageChannel, purpose: MessagePurpose | 'test', attempts: readonly HopAttempt[]): DeliveryAttemptRow[] {
      const parsed = parsePhoneNumber(to);
      const country = parsed.ok ? (parsed.country ?? null) : null;
      return attempts.map((attempt, index) => {
        const at = attempt.startedAt.toISOString();
        const { outcome } = attempt;
        const delivered = outcome.kind === 'delivered-to-provider';
        const status: DeliveryStatus = delivered ? ((outcome.status as DeliveryStatus | undefined) ?? 'accepted') : 'failed';
        const error = delivered ? null : { class: outcome.kind, errorCode: outcome.error.errorCode, message: outcome.error.message };
        const history: HistoryEntry[] = [{ status, at, source: 'send', ...(error ? { error: { errorCode: error.errorCode, message: error.message } } : {}) }];
        return {
          id: `dlv_${nextId(attempt.startedAt)}`,
          tenant_id: tenantId,
          send_id: sendId,
          attempt: firstAttempt + index,
          channel,
          purpose,
          provider: attempt.hop.definition.id,
          provider_config_id: attempt.hop.providerConfigId ?? null,
          destination: maskPhoneNumber(to),
          country,
          status,
          history: JSON.stringify(history),
          provider_message_id: delivered ? outcome.messageId : null,
          error: error ? JSON.stringify(error) : null,
          accepted_at: delivered ? at : null,
          sent_at: status === 'sent' ? at : null,
          delivered_at: status === 'delivered' ? at : null,
          created_at: at,
          updated_at: at,
        };
      });
    },

    async list(tenant: Tenant, filter: DeliveryFilter, page: { offset: number; limit: number }, includeTotals: boolean) {
      const rows = await store.deliveries.list(tenant.id, filter, page);
      const total = includeTotals ? await store.deliveries.count(tenant.id, filter) : undefined;
      return { deliveries: rows.map(toDeliveryView), total };
    },

    async get(tenant: Tenant, id: string): Promise<DeliveryView> {
      const row = await store.deliveries.find(tenant.id, id);
      if (!row) throw new NotFoundError('phone_delivery', 'The delivery does not exist.');
      return toDeliveryView(row);
    },

    /**
     * What the retries of an action's message came to (`sent` once a retry delivered it, `failed` when the action
     * dropped it or ran out of retries), on the attempt whose provider message id is the first execution's.
     */
    async applyRetryOutcome(tenantId: string, providerConfigId: string, messageId: string, status: 'sent' | 'failed', error?: { errorCode: string; message: string }): Promise<string | undefined> {
      for (let round = 0; round < 5; round++) {
        const row = await store.deliveries.findByMessage(providerConfigId, messageId);
        if (!row || row.tenant_id !== tenantId) return undefined;
        const at = clock.now().toISOString();
        const history = JSON.parse(row.history) as HistoryEntry[];
        history.push({ status, at, source: 'retry', ...(error ? { error } : {}) });
        const patch = {
          status,
          history: JSON.stringify(history),
          updated_at: at > row.updated_at ? at : new Date(new Date(row.updated_at).getTime() + 1).toISOString(),
          ...(status === 'sent' ? { sent_at: at } : {}),
          ...(error ? { error: JSON.stringify({ class: 'permanent', errorCode: error.errorCode, message: error.message }) } : {}),
        };
        if (await store.deliveries.updateIfUnchanged(row.id, row.updated_at, patch)) return row.id;
      }
      return undefined;
    },

    /**
     * A provider's status callback for configuration `providerConfigId` of `tenant`: checked by the provider's own
     * `parseReceipt` (signatures), then applied to the attempt it names. Idempotent: the same receipt twice changes
     * nothing, and an older status never overwrites a newer one.
     */
    async applyReceipt(tenant: Tenant, providerConfigId: string, request: ReceiptRequest): Promise<ReceiptOutcome> {
      const config = await providerConfigs.openById(providerConfigId);
      if (!config || config.tenantId !== tenant.id || !config.definition.receipts) return { ok: false, reason: 'unknown_config', message: 'No provider configuration of this tenant takes receipts at this URL.' };
      const instance = config.definition.create(config.config, { baseUrl: '', fetch: () => Promise.reject(new Error('receipts make no requests')) });
      if (!instance.parseReceipt) return { ok: false, reason: 'unknown_config', message: 'This provider does not post receipts.' };
      const parsed = instance.parseReceipt(request);
      if (!parsed.ok) return { ok: false, reason: parsed.reason, message: parsed.message };

      for (let round = 0; round < 5; round++) {
        const row = await store.deliveries.findByMessage(providerConfigId, parsed.messageId);
        if (!row || row.tenant_id !== tenant.id) return { ok: false, reason: 'unknown_message', message: 'No delivery of this provider configuration has that message id.' };
        const current = row.status as DeliveryStatus;
        const history = JSON.parse(row.history) as HistoryEntry[];
        if (RANK[parsed.status] <= RANK[current] || history.some((h) => h.status === parsed.status)) return { ok: true, changed: false, deliveryId: row.id };
        const at = clock.now().toISOString();
        history.push({ status: parsed.status, at, source: 'receipt', ...(parsed.error ? { error: parsed.error } : {}) });
        const failed = parsed.status === 'failed' || parsed.status === 'undelivered';
        const patch = {
          status: parsed.status,
          history: JSON.stringify(history),
          updated_at: at > row.updated_at ? at : new Date(new Date(row.updated_at).getTime() + 1).toISOString(),
          ...(parsed.status === 'sent' ? { sent_at: at } : {}),
          ...(parsed.status === 'delivered' ? { delivered_at: at, ...(row.sent_at === null ? { sent_at: at } : {}) } : {}),
          ...(failed && parsed.error ? { error: JSON.stringify({ class: 'receipt', errorCode: parsed.error.errorCode, message: parsed.error.message }) } : {}),
        };
        if (await store.deliveries.updateIfUnchanged(row.id, row.updated_at, patch)) return { ok: true, changed: true, deliveryId: row.id };
      }
      return { ok: true, changed: false, deliveryId: '' };
    },
  };
}

export type Deliveries = ReturnType<typeof createDeliveries>;
