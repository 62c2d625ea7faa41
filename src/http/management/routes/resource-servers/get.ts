import { systemApis } from '../../../../domain/system-apis.js';
import { ManagementError } from '../../../../errors/errors.js';
import type { Services } from '../../../../services/index.js';
import { FieldsQuery, ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { ResourceServer, ResourceServerIdParams } from './schemas.js';

/** GET /api/v2/resource-servers/{id} — by id or by identifier, as in Auth0. */
export default function getResourceServerRoute(app: App, _services: Services) {
  app.get('/resource-servers/:id', {
    config: { scopes: ['read:resource_servers'] },
    schema: { summary: 'Get a resource server', params: ResourceServerIdParams, querystring: StrictObject(FieldsQuery()), response: { 200: ResourceServer, '4xx': ManagementErrorBody } },
    handler: async (request) => {
      const api = systemApis(request.tenant).find((a) => a.id === request.params.id || a.identifier === request.params.id);
      if (!api) throw new ManagementError('inexistent_resource_server', 'The resource server does not exist');
      return api;
    },
  });
}
