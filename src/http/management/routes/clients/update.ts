import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { Client, ClientIdParams, ClientUpdateBody } from './schemas.js';

/**
 * PATCH /api/v2/clients/{id} — only the fields sent change. A public client made confidential gets a secret,
 * returned in this response only.
 */
export default function updateClientRoute(app: App, services: Services) {
  app.patch('/clients/:id', {
    config: { scopes: ['update:clients'], operation: 'Update a Client' },
    schema: {
      summary: 'Update a client',
      params: ClientIdParams,
      body: ClientUpdateBody,
      response: { 200: Client, '4xx': ManagementErrorBody },
    },
    handler: async (request) => services.clients.update(request.tenant, request.params.id, request.body),
  });
}
