import type { Services } from '../../../../services/index.js';
import { NotFoundError } from '../../../../errors/errors.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { Log, LogIdParams, withTenantName } from './schemas.js';

/** GET /api/v2/logs/{id} */
export default function getLogRoute(app: App, services: Services) {
  app.get('/logs/:id', {
    config: { scopes: ['read:logs', 'read:logs_users'] },
    schema: {
      summary: 'Get a log event by id',
      params: LogIdParams,
      response: { 200: Log, '4xx': ManagementErrorBody },
    },
    handler: async (request) => {
      const entry = await services.events.get(request.tenant.id, request.params.id);
      if (!entry) throw new NotFoundError('log', 'The log does not exist.');
      return withTenantName(request.tenant)(entry);
    },
  });
}
