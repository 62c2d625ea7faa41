import { createPoller } from '../poller.js';
import { LOG_STREAMS_DEFAULTS } from '../../config/load.js';
import { randomString } from '../../domain/ids.js';
import type { LogStreamRow } from '../../store/repositories/log-streams.js';
import type { ServiceDeps } from '../context.js';
import { toLogEntry } from '../events.js';
import { readableRun } from './outbox.js';
import { applyPii, bodiesFor, passesFilters, piiHasher, type PiiConfig, type StreamFilter, type StreamRecord } from './records.js';
import type { StoredSink } from './streams.js';

/**
 * The log stream worker: every node runs one (inside `guardline start`); each batch of a stream is sent by the one
 * node that holds the stream's lease (`log_streams.lease_until`, taken with a conditional UPDATE).
 *
 * Delivery is at least once, in outbox order: a batch is up to `BATCH` of the tenant's events after the stream's
 * cursor; the cursor moves past them only once the sink answered 2xx (so a crash or a lost lease between the answer
 * and the write sends the batch again — receivers de-duplicate by `log_id`). The cursor write is a compare-and-set
 * from the value this node read, so a node whose lease ran out cannot move it back.
 *
 * A failed batch is tried again after 1 s, 2 s, 4 s, … up to 5 min; once the sink has failed without a single
 * success for `suspendAfterMs` (default 24 h), the stream becomes `suspended` and is left alone until a PATCH sets
 * it `active` again, which resumes from the cursor.
 */
export const BATCH = 100;
/** Outbox rows read at once (every tenant's: the sequence is global, and holes are found in it). */
const SCAN = 1_000;
const LEASE_MS = 60_000;
/** One request to a sink. */
export const SINK_TIMEOUT_MS = 10_000;
/** Batches sent per claim, so one busy stream does not hold a node's poll forever. */
const BATCHES_PER_CLAIM = 20;
const BACKOFF_BASE_MS = 1_000;
const BACKOFF_MAX_MS = 300_000;
/** How long an idle stream waits before it is read again. */
const IDLE_MS = 1_000;
/** Outbox rows are kept this long (and until every stream has passed them), so a stream can start from a past date. */
export const OUTBOX_RETENTION_MS = 7 * 86_400_000;

export function backoffMs(failures: number): number {
  return Math.min(BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1), BACKOFF_MAX_MS);
}

export function createLogStreamDelivery(deps: Pick<ServiceDeps, 'store' | 'clock' | 'random' | 'secretBox' | 'config' | 'fetch'>) {
  const { store, clock, secretBox } = deps;
  const settings = { ...LOG_STREAMS_DEFAULTS, ...deps.config.logStreams };
  const fetchFn = deps.fetch ?? globalThis.fetch;
  const piiKey = secretBox.derive('log-streams-pii');
  /** This node's name on the leases it takes. */
  const owner = `node_${randomString(deps.random, 16)}`;
  const iso = (ms = 0) => new Date(clock.now().getTime() + ms).toISOString();

  /** Sends the bodies in order; returns how many records the sink acknowledged, and the first error. */
  async function send(stream: LogStreamRow, sink: StoredSink, records: StreamRecord[]): Promise<{ acknowledged: number; error?: string }> {
    const headers: Record<string, string> = { 'content-type': sink.httpContentType };
    for (const { header, value } of sink.httpCustomHeaders) headers[header] = value;
    if (stream.authorization) headers.authorization = secretBox.open(stream.authorization);
    const bodies = bodiesFor(sink.httpContentFormat, records);
    const perBody = sink.httpContentFormat === 'JSONOBJECT' ? 1 : records.length;
    let acknowledged = 0;
    for (const body of bodies) {
      try {
        const response = await fetchFn(sink.httpEndpoint, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(SINK_TIMEOUT_MS) });
        await response.body?.cancel().catch(() => undefined);
        if (response.status < 200 || response.status > 299) return { acknowledged, error: `The sink answered HTTP ${response.status}` };
      } catch (err) {
        const name = (err as Error).name;
        return { acknowledged, error: name === 'TimeoutError' ? `The sink did not answer within ${SINK_TIMEOUT_MS / 1000} s` : `The sink could not be reached: ${(err as Error).message}`.slice(0, 512) };
      }
      acknowledged += perBody;
    }
    return { acknowledged };
  }

  /** One batch; false when there is nothing more to do now (caught up, waiting at a hole, or failing). */
  async function deliverBatch(stream: LogStreamRow): Promise<{ more: boolean; cursor?: number }> {
    const cursor = Number(stream.cursor_seq);
    const scanned = await store.logStreams.outboxAfter(cursor, SCAN);
    const { rows: readable, waiting } = readableRun(scanned, cursor, clock.now());
    const mine: typeof readable = [];
    let through = cursor;
    for (const row of readable) {
      if (row.tenant_id === stream.tenant_id) {
        if (mine.length === BATCH) break;
        mine.push(row);
      }
      through = row.seq;
    }
    const complete = !waiting && scanned.length < SCAN && through === (readable.at(-1)?.seq ?? cursor);
    if (through === cursor) {
      await store.logStreams.record(stream.id, owner, { next_attempt_at: iso(IDLE_MS) });
      return { more: false };
    }

    const filters = stream.filters ? (JSON.parse(stream.filters) as StreamFilter[]) : null;
    const pii = stream.pii_config ? (JSON.parse(stream.pii_config) as PiiConfig) : null;
    const hash = piiHasher(piiKey, stream.tenant_id);
    const logs = new Map((await store.logStreams.logsByIds(stream.tenant_id, mine.map((r) => r.log_id))).map((l) => [l.log_id, l]));
    const records: Array<{ seq: number; record: StreamRecord }> = [];
    for (const row of mine) {
      const log = logs.get(row.log_id);
      if (!log || !passesFilters(log.type, filters)) continue;
      records.push({ seq: row.seq, record: { log_id: log.log_id, data: applyPii(toLogEntry(log), pii, hash) } });
    }

    const now = iso();
    if (records.length === 0) {
      const moved = await store.logStreams.record(stream.id, owner, { cursor_seq: through, next_attempt_at: complete ? iso(IDLE_MS) : now }, cursor);
      return { more: moved && !complete, cursor: through };
    }

    const sink = JSON.parse(stream.sink) as StoredSink;
    const { acknowledged, error } = await send(stream, sink, records.map((r) => r.record));
    const at = iso();
    if (error === undefined) {
      const moved = await store.logStreams.record(
        stream.id,
        owner,
        { cursor_seq: through, last_log_id: records.at(-1)!.record.log_id, last_delivered_at: at, consecutive_failures: 0, failing_since: null, next_attempt_at: complete ? iso(IDLE_MS) : at },
        cursor,
      );
      return { more: moved && !complete, cursor: through };
    }

    const failures = stream.consecutive_failures + 1;
    const failingSince = stream.failing_since ?? now;
    const suspend = clock.now().getTime() - Date.parse(failingSince) >= settings.suspendAfterMs;
    const patch = {
      consecutive_failures: failures,
      failing_since: failingSince,
      last_error: error,
      last_error_at: at,
      next_attempt_at: iso(backoffMs(failures)),
      ...(suspend ? { status: 'suspended', suspended_reason: `The sink failed without a break since ${failingSince}: ${error}`.slice(0, 1024) } : {}),
    };
    if (acknowledged > 0) {
      // JSONOBJECT: the records the sink took are not sent again.
      const last = records[acknowledged - 1]!;
      await store.logStreams.record(stream.id, owner, { ...patch, cursor_seq: last.seq, last_log_id: last.record.log_id, last_delivered_at: at }, cursor);
    } else {
      await store.logStreams.record(stream.id, owner, patch);
    }
    return { more: false };
  }

  async function deliver(id: string, leaseEnds: number): Promise<void> {
    for (let i = 0; i < BATCHES_PER_CLAIM; i++) {
      if (i > 0) {
        // Keep going only with time left on a renewed lease.
        if (!(await store.logStreams.renew(id, owner, iso(LEASE_MS)))) return;
        leaseEnds = clock.now().getTime() + LEASE_MS;
      }
      if (leaseEnds - clock.now().getTime() < SINK_TIMEOUT_MS * 2) return;
      const stream = await store.logStreams.findById(id);
      if (!stream || stream.status !== 'active' || stream.lease_owner !== owner) return;
      const { more } = await deliverBatch(stream);
      if (!more) return;
    }
  }

  let lastPrune = 0;

  const delivery = {
    /** Sends the next batches of every due stream this node claims first; returns how many streams it worked on. */
    async runDue(): Promise<number> {
      const now = iso();
      let worked = 0;
      for (const { id } of await store.logStreams.due(now, 50)) {
        const leaseUntil = iso(LEASE_MS);
        if (!(await store.logStreams.claim(id, now, leaseUntil, owner))) continue;
        try {
          await deliver(id, Date.parse(leaseUntil));
        } catch {
          // Storage trouble: the lease is released below (or runs out) and a node tries again.
        } finally {
          await store.logStreams.release(id, owner).catch(() => undefined);
        }
        worked++;
      }
      if (clock.now().getTime() - lastPrune > 3_600_000) {
        lastPrune = clock.now().getTime();
        await store.logStreams.pruneOutbox(iso(-OUTBOX_RETENTION_MS)).catch(() => undefined);
      }
      return worked;
    },

  };
  const poller = createPoller(() => delivery.runDue(), 1_000);
  return { ...delivery, start: poller.start, stop: poller.stop };
}

export type LogStreamDelivery = ReturnType<typeof createLogStreamDelivery>;
