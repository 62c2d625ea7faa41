import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { LogStream, LogStreamIdParams } from './schemas.js';

/** GET /api/v2/log-streams/{id} — with the Guardline `health` object (cursor, lag, last error). */
export default function getLogStreamRoute(app: App, services: Services) {
  app.get('/log-streams/:id', {
    config: { scopes: ['read:log_streams'] },
    schema: { summary: 'Get a log stream', params: LogStreamIdParams, querystring: StrictObject({}), response: { 200: LogStream, '4xx': ManagementErrorBody } },
    handler: async (request) => services.logStreams.streams.get(request.tenant, request.params.id),
  });
}
