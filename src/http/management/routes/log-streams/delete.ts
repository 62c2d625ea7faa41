import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { LogStreamIdParams } from './schemas.js';

/** DELETE /api/v2/log-streams/{id} */
export default function deleteLogStreamRoute(app: App, services: Services) {
  app.delete('/log-streams/:id', {
    config: { scopes: ['delete:log_streams'], operation: 'Delete a log stream' },
    schema: { summary: 'Delete a log stream', params: LogStreamIdParams, querystring: StrictObject({}), response: { 204: Type.Null(), '4xx': ManagementErrorBody } },
    handler: async (request, reply) => {
      await services.logStreams.streams.remove(request.tenant, request.params.id);
      return reply.code(204).send(null);
    },
  });
}
