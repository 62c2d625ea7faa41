import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { Client, ClientIdParams } from './schemas.js';

/** GET /api/v2/clients/{id} — never returns the secret (stored hashed; see docs/compatibility.md). */
export default function getClientRoute(app: App, services: Services) {
  app.get('/clients/:id', {
    config: { scopes: ['read:clients'] },
    schema: {
      summary: 'Get a client',
      params: ClientIdParams,
      response: { 200: Client, '4xx': ManagementErrorBody },
    },
    handler: async (request) => services.clients.get(request.tenant, request.params.id),
  });
}
