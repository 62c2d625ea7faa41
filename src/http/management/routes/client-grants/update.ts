import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { ClientGrant, ClientGrantIdParams, ClientGrantUpdateBody } from './schemas.js';

/** PATCH /api/v2/client-grants/{id} — replaces the granted scopes. */
export default function updateClientGrantRoute(app: App, services: Services) {
  app.patch('/client-grants/:id', {
    config: { scopes: ['update:client_grants'], operation: 'Update client grant' },
    schema: {
      summary: 'Update a client grant',
      params: ClientGrantIdParams,
      body: ClientGrantUpdateBody,
      response: { 200: ClientGrant, '4xx': ManagementErrorBody },
    },
    handler: async (request) => services.clientGrants.update(request.tenant, request.params.id, request.body),
  });
}
