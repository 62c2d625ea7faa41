import type { FastifyRequest } from 'fastify';
import { DependencyUnavailableError } from '../errors/errors.js';

/**
 * What every surface does when a backing service is down (`DependencyUnavailableError`): answer 503 in its own shape
 * with `Retry-After`, and write one log line that names the cause. Redis recovers within about a second of coming
 * back and the database pool reconnects on the next request, so a few seconds is an honest hint.
 */
export const RETRY_AFTER_SECONDS = 5;

/** What the JSON surfaces tell the caller: no dependency name (that is for the operator's log line). */
export const UNAVAILABLE_MESSAGE = 'The service is temporarily unavailable. Try again in a few seconds.';

const CAUSE: Record<DependencyUnavailableError['dependency'], string> = {
  redis: 'Redis (rate limiter) unreachable',
  database: 'database unreachable',
};

/** The error as a DependencyUnavailableError, or undefined when it is something else. */
export function asUnavailable(err: unknown): DependencyUnavailableError | undefined {
  return err instanceof DependencyUnavailableError ? err : undefined;
}

/** The log line of a refused request: the dependency and the driver's message, never the request's data. */
export function logUnavailable(request: FastifyRequest, err: DependencyUnavailableError): void {
  request.log.error({ dependency: err.dependency, cause: err.message, req_id: request.id }, `${CAUSE[err.dependency]}: request answered 503`);
}
