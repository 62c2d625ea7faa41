import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { LogStream, LogStreamBody } from './schemas.js';

/** POST /api/v2/log-streams — an `http` stream; delivery starts with the next event (or `startFrom`). */
export default function createLogStreamRoute(app: App, services: Services) {
  app.post('/log-streams', {
    config: { scopes: ['create:log_streams'], operation: 'Create a log stream' },
    schema: { summary: 'Create a log stream', body: LogStreamBody, response: { 201: LogStream, '4xx': ManagementErrorBody } },
    handler: async (request, reply) => reply.code(201).send(await services.logStreams.streams.create(request.tenant, request.body)),
  });
}
