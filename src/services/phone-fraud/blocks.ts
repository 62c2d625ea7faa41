import type { PumpingVerdict } from '../../domain/phone-fraud/pumping.js';
import { NotFoundError, ValidationError } from '../../errors/errors.js';
import type { PrefixBlockRow } from '../../store/repositories/phone-fraud.js';
import type { ConfigCache } from '../config-cache.js';
import type { RequestContext, ServiceDeps } from '../context.js';
import type { EventLog } from '../events.js';
import type { Tenant } from '../tenants.js';

/** A prefix block as the Management API shows it. */
export interface PrefixBlockView {
  prefix: string;
  state: 'blocked' | 'pinned' | 'lifted';
  reason: string;
  details: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  /** blocked: when it ends; lifted: when the detector may block again; pinned: null */
  until: string | null;
}

const toView = (row: PrefixBlockRow): PrefixBlockView => ({
  prefix: row.prefix,
  state: row.state,
  reason: row.reason,
  details: JSON.parse(row.details) as Record<string, unknown>,
  created_at: row.created_at,
  updated_at: row.updated_at,
  until: row.until,
});

/**
 * The prefixes a tenant does not send to for now: raised by the pumping detector (guard.ts) for `block_minutes`, or
 * pinned by an administrator until removed. An administrator's lift keeps a `lifted` row, so the detector, which
 * still sees the same traffic, waits one block period before it may block again.
 */
export function createPrefixBlocks({ store, clock }: Pick<ServiceDeps, 'store' | 'clock'>, { cache, events }: { cache: ConfigCache; events: EventLog }) {
  const rows = (tenant: Tenant) => cache.read(tenant, 'phone-prefix-blocks', () => store.phoneFraud.listBlocks(tenant.id));
  const now = () => clock.now().toISOString();

  return {
    /** Prefixes refused now (pinned, or blocked until a moment still ahead). Cached: one read per configuration change. */
    async active(tenant: Tenant): Promise<string[]> {
      const at = now();
      return (await rows(tenant)).filter((r) => r.state === 'pinned' || (r.state === 'blocked' && r.until !== null && r.until > at)).map((r) => r.prefix);
    },

    list: async (tenant: Tenant): Promise<PrefixBlockView[]> => (await store.phoneFraud.listBlocks(tenant.id)).map(toView),

    /** The detector's block; true when this call raised it (then its alert is written, on this node only). */
    async raise(tenant: Tenant, prefix: string, verdict: PumpingVerdict, blockMinutes: number, context: RequestContext): Promise<boolean> {
      const at = clock.now();
      const until = new Date(at.getTime() + blockMinutes * 60_000).toISOString();
      const row: PrefixBlockRow = { tenant_id: tenant.id, prefix, state: 'blocked', reason: verdict.reason, details: JSON.stringify(verdict), created_at: at.toISOString(), updated_at: at.toISOString(), until };
      const raised = await store.phoneFraud.raiseBlock(row, at.toISOString());
      if (raised) {
        const why = verdict.reason === 'spike' ? `${verdict.current} sends in one window, ${verdict.factor}× above its baseline` : `only ${Math.round(verdict.completion_rate * 100)}% of ${verdict.sent} codes verified`;
        await events.record(tenant.id, { type: 'gl_fraud_alert', description: `SMS pumping suspected: numbers starting ${prefix} blocked until ${until} (${why})`, details: { alert: 'prefix_blocked', prefix, until, verdict } }, context);
      }
      return raised;
    },

    /** An administrator blocks a prefix: `pinned` (no end) or `blocked` until a moment. */
    async put(tenant: Tenant, prefix: string, input: { state: 'pinned' | 'blocked'; until?: string | undefined }): Promise<PrefixBlockView> {
      const at = now();
      if (input.state === 'blocked' && (input.until === undefined || input.until <= at)) throw new ValidationError('until: a block with state "blocked" needs an end in the future (use "pinned" for no end)');
      const existing = await store.phoneFraud.findBlock(tenant.id, prefix);
      const row: PrefixBlockRow = {
        tenant_id: tenant.id,
        prefix,
        state: input.state,
        reason: existing && existing.state !== 'lifted' ? existing.reason : 'manual',
        details: existing?.details ?? '{}',
        created_at: existing?.created_at ?? at,
        updated_at: at,
        until: input.state === 'pinned' ? null : (input.until ?? null),
      };
      await store.phoneFraud.putBlock(row);
      return toView(row);
    },

    /** Lifts a block: the prefix is sent to again and the detector leaves it alone for `quietMinutes`. */
    async lift(tenant: Tenant, prefix: string, quietMinutes: number): Promise<void> {
      const existing = await store.phoneFraud.findBlock(tenant.id, prefix);
      if (!existing || existing.state === 'lifted') throw new NotFoundError('prefix_block', 'No block exists for this prefix.');
      const at = clock.now();
      await store.phoneFraud.putBlock({ ...existing, state: 'lifted', updated_at: at.toISOString(), until: new Date(at.getTime() + quietMinutes * 60_000).toISOString() });
    },
  };
}

export type PrefixBlocks = ReturnType<typeof createPrefixBlocks>;
