import type { Services } from '../../../../services/index.js';
import { FieldsQuery, ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { Connection, ConnectionIdParams } from './schemas.js';

/** GET /api/v2/connections/{id} */
export default function getConnectionRoute(app: App, services: Services) {
  app.get('/connections/:id', {
    config: { scopes: ['read:connections'] },
    schema: { summary: 'Get a connection', params: ConnectionIdParams, querystring: StrictObject(FieldsQuery()), response: { 200: Connection, '4xx': ManagementErrorBody } },
    handler: async (request) => services.users.getConnection(request.tenant, request.params.id),
  });
}
