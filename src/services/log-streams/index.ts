import type { ServiceDeps } from '../context.js';
import { createLogStreamDelivery } from './delivery.js';
import { createLogStreams } from './streams.js';

/** Auth0's log streams: the Management API's streams, and the worker that delivers them. */
export function createLogStreamServices(deps: ServiceDeps) {
  return { streams: createLogStreams(deps), delivery: createLogStreamDelivery(deps) };
}

export type LogStreamServices = ReturnType<typeof createLogStreamServices>;
export { MAX_LOG_STREAMS_PER_TENANT, maskAuthorization } from './streams.js';
