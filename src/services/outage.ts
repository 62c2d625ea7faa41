import type { DependencyUnavailableError } from '../errors/errors.js';
import type { EventLog, LogEntryInput } from './events.js';
import type { RequestContext } from './context.js';

/** The event description of an outage: which backing service failed, never its address or credentials. */
export function unavailableDescription(err: DependencyUnavailableError): string {
  return err.dependency === 'redis' ? 'Rate limiter unavailable (Redis unreachable): request refused' : 'Database unavailable: request refused';
}

/**
 * Records `entry` for a request an outage stopped, then rethrows the outage. When the database is what failed, the
 * entry cannot be written: the outage still reaches the caller (and the surface's log line names it).
 */
export async function recordOutage(events: EventLog, tenantId: string, err: DependencyUnavailableError, entry: LogEntryInput, context: RequestContext): Promise<never> {
  try {
    await events.record(tenantId, { ...entry, description: unavailableDescription(err) }, context);
  } catch {
    // see above: the original outage is the error to report
  }
  throw err;
}

