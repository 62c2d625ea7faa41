import type { DevInboxMessageRow } from '../store/repositories/dev-inbox.js';
import type { ServiceDeps } from './context.js';
import type { Tenant } from './tenants.js';

/** One message the built-in provider kept instead of sending (no upstream configured). */
export interface DevInboxMessageView {
  id: string;
  to: string;
  channel: string;
  purpose: string;
  locale: string;
  /** The rendered text, code included: showing it is the inbox's purpose. */
  body: string;
  created_at: string;
}

export const devInboxMessageView = (row: DevInboxMessageRow): DevInboxMessageView => ({
  id: row.id,
  to: row.recipient,
  channel: row.channel,
  purpose: row.purpose,
  locale: row.locale,
  body: row.body,
  created_at: row.created_at,
});

/**
 * The dev inbox (Guardline extension): what the built-in phone provider would have sent, for development and
 * tests without an SMS account. Only the built-in provider without an upstream writes here.
 */
export function createDevInbox({ store }: ServiceDeps) {
  return {
    /** Newest first; `phoneNumber` keeps only messages to that exact E.164 number. */
    async list(tenant: Tenant, filter: { phoneNumber?: string }, page: { offset: number; limit: number }, includeTotals: boolean) {
      const rows = await store.devInbox.list(tenant.id, page, filter.phoneNumber);
      const total = includeTotals ? await store.devInbox.count(tenant.id, filter.phoneNumber) : undefined;
      return { messages: rows.map(devInboxMessageView), total };
    },

    /** Deletes every message of the tenant. */
    async clear(tenant: Tenant): Promise<void> {
      await store.devInbox.clear(tenant.id);
    },
  };
}

export type DevInbox = ReturnType<typeof createDevInbox>;
