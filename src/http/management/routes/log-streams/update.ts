import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { LogStream, LogStreamIdParams, LogStreamPatchBody } from './schemas.js';

/** PATCH /api/v2/log-streams/{id} — `status: "active"` resumes a paused or suspended stream from its cursor. */
export default function updateLogStreamRoute(app: App, services: Services) {
  app.patch('/log-streams/:id', {
    config: { scopes: ['update:log_streams'], operation: 'Update a log stream' },
    schema: { summary: 'Update a log stream', params: LogStreamIdParams, body: LogStreamPatchBody, response: { 200: LogStream, '4xx': ManagementErrorBody } },
    handler: async (request) => services.logStreams.streams.update(request.tenant, request.params.id, request.body),
  });
}
