import type { OutboxRow } from '../../store/repositories/log-streams.js';

/**
 * How old a hole in the outbox sequence must be before a reader steps past it.
 *
 * `log_outbox.seq` is handed out by the database when the event row is inserted, but the row becomes visible only
 * when its transaction commits. On PostgreSQL two transactions may take 41 and 42 and commit in the order 42, 41:
 * a reader that saw 42 and moved its cursor past 41 would lose 41 forever. And a transaction that rolls back leaves
 * its number unused for good. The reader cannot tell the two apart at once, so it waits:
 *
 * - it reads `seq > cursor` in order and consumes rows while each follows the previous one (`seq = previous + 1`);
 * - at a hole it looks at the row after the hole. Its number was taken after the missing one, so the missing
 *   transaction has been open at least as long as that row exists. While that row is younger than
 *   `OUTBOX_GAP_GRACE_MS`, the missing row may still commit: the reader stops before the hole and tries again at
 *   its next poll (the cursor stays before the hole, nothing is skipped);
 * - once it is older, the missing transaction is taken as rolled back (event-writing transactions last
 *   milliseconds) and the reader steps past the hole.
 *
 * On SQLite writers are serialised and a rollback gives its number back, so holes do not happen there; the rule
 * costs nothing. Ages are measured with the event's own `date` (the writing node's clock) against the reader's
 * clock, so node clocks must agree to well within the grace (NTP does).
 */
export const OUTBOX_GAP_GRACE_MS = 10_000;

/** The rows after `cursor` that may be consumed now, in order; `waiting` when the run ends at a young hole. */
export function readableRun(rows: readonly OutboxRow[], cursor: number, now: Date, graceMs = OUTBOX_GAP_GRACE_MS): { rows: OutboxRow[]; waiting: boolean } {
  const out: OutboxRow[] = [];
  let expected = cursor + 1;
  for (const row of rows) {
    if (row.seq !== expected) {
      const age = now.getTime() - Date.parse(row.created_at);
      if (!(age >= graceMs)) return { rows: out, waiting: true };
    }
    out.push(row);
    expected = row.seq + 1;
  }
  return { rows: out, waiting: false };
}
