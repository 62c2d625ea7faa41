import type { Kysely, Selectable, Updateable } from 'kysely';
import type { Database, LogStreamsTable } from '../schema.js';
import type { LogRow } from './logs.js';

export type LogStreamRow = Selectable<LogStreamsTable>;
export type LogStreamPatch = Omit<Updateable<LogStreamsTable>, 'id' | 'tenant_id' | 'cursor_seq'>;

/** A `log_outbox` row as the reader sees it (`seq` as a number). */
export interface OutboxRow {
  seq: number;
  log_id: string;
  tenant_id: string;
  created_at: string;
}

export function logStreamRepository(db: Kysely<Database>) {
  return {
    insert: (row: LogStreamRow) => db.insertInto('log_streams').values(row).execute(),
    find: (tenantId: string, id: string) =>
      db.selectFrom('log_streams').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst(),
    findById: (id: string) => db.selectFrom('log_streams').selectAll().where('id', '=', id).executeTakeFirst(),
    /** Every tenant's streams (the metrics' lag source). */
    all: () => db.selectFrom('log_streams').select(['id', 'tenant_id', 'cursor_seq']).orderBy('id').execute(),
    list: (tenantId: string) => db.selectFrom('log_streams').selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute(),
    async count(tenantId: string): Promise<number> {
      const row = await db.selectFrom('log_streams').select((eb) => eb.fn.countAll<string | number>().as('n')).where('tenant_id', '=', tenantId).executeTakeFirst();
      return Number(row?.n ?? 0);
    },
    async update(tenantId: string, id: string, patch: LogStreamPatch & { cursor_seq?: number }): Promise<boolean> {
      const result = await db.updateTable('log_streams').set(patch).where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    async delete(tenantId: string, id: string): Promise<boolean> {
      const result = await db.deleteFrom('log_streams').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    /** Active streams whose next attempt is due and that no node holds. */
    due: (now: string, limit: number) =>
      db
        .selectFrom('log_streams')
        .select(['id'])
        .where('status', '=', 'active')
        .where('next_attempt_at', '<=', now)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
        .orderBy('is_priority', 'desc')
        .orderBy('next_attempt_at')
        .limit(limit)
        .execute(),
    /** Takes the stream for this node until `leaseUntil`, if it is active, due, and nobody holds it (one node wins). */
    async claim(id: string, now: string, leaseUntil: string, owner: string): Promise<boolean> {
      const result = await db
        .updateTable('log_streams')
        .set({ lease_until: leaseUntil, lease_owner: owner })
        .where('id', '=', id)
        .where('status', '=', 'active')
        .where('next_attempt_at', '<=', now)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    /** Extends this node's lease; false when another node took the stream over (or it was paused or deleted). */
    async renew(id: string, owner: string, leaseUntil: string): Promise<boolean> {
      const result = await db
        .updateTable('log_streams')
        .set({ lease_until: leaseUntil })
        .where('id', '=', id)
        .where('lease_owner', '=', owner)
        .where('status', '=', 'active')
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    /**
     * Writes the delivery state of the lease holder. With `fromCursor`, the cursor moves only from where this node
     * read it: a node whose lease ran out cannot move it back.
     */
    async record(id: string, owner: string, patch: LogStreamPatch & { cursor_seq?: number }, fromCursor?: number): Promise<boolean> {
      let q = db.updateTable('log_streams').set(patch).where('id', '=', id).where('lease_owner', '=', owner);
      if (fromCursor !== undefined) q = q.where('cursor_seq', '=', fromCursor);
      const result = await q.executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    async release(id: string, owner: string): Promise<void> {
      await db.updateTable('log_streams').set({ lease_until: null, lease_owner: null }).where('id', '=', id).where('lease_owner', '=', owner).execute();
    },

    // ---- the outbox ----

    /** Outbox rows after `cursor`, every tenant's, in sequence order. */
    async outboxAfter(cursor: number, limit: number): Promise<OutboxRow[]> {
      const rows = await db.selectFrom('log_outbox').selectAll().where('seq', '>', cursor).orderBy('seq').limit(limit).execute();
      return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
    },
    async maxSeq(): Promise<number> {
      const row = await db.selectFrom('log_outbox').select((eb) => eb.fn.max('seq').as('m')).executeTakeFirst();
      return Number(row?.m ?? 0);
    },
    async seqOfLog(tenantId: string, logId: string): Promise<number | undefined> {
      const row = await db.selectFrom('log_outbox').select('seq').where('log_id', '=', logId).where('tenant_id', '=', tenantId).executeTakeFirst();
      return row ? Number(row.seq) : undefined;
    },
    /** The first position of an event written at or after `date`. */
    async firstSeqFrom(date: string): Promise<number | undefined> {
      const row = await db.selectFrom('log_outbox').select((eb) => eb.fn.min('seq').as('m')).where('created_at', '>=', date).executeTakeFirst();
      return row?.m === null || row?.m === undefined ? undefined : Number(row.m);
    },
    /** The tenant's events after `cursor` (delivered or not yet filtered): a stream's lag. */
    async pending(tenantId: string, cursor: number): Promise<number> {
      const row = await db
        .selectFrom('log_outbox')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('tenant_id', '=', tenantId)
        .where('seq', '>', cursor)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
    logsByIds: (tenantId: string, logIds: string[]): Promise<LogRow[]> =>
      logIds.length === 0 ? Promise.resolve([]) : db.selectFrom('logs').selectAll().where('tenant_id', '=', tenantId).where('log_id', 'in', logIds).execute(),
    /** Drops outbox rows older than `before` that every stream has passed. */
    async pruneOutbox(before: string): Promise<void> {
      const min = await db.selectFrom('log_streams').select((eb) => eb.fn.min('cursor_seq').as('m')).executeTakeFirst();
      let q = db.deleteFrom('log_outbox').where('created_at', '<', before);
      if (min?.m !== null && min?.m !== undefined) q = q.where('seq', '<=', Number(min.m));
      await q.execute();
    },
  };
}
