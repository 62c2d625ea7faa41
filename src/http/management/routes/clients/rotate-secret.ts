import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { Client, ClientIdParams } from './schemas.js';

/** POST /api/v2/clients/{id}/rotate-secret — the new `client_secret` is shown once; the old one stops working. */
export default function rotateClientSecretRoute(app: App, services: Services) {
  app.post('/clients/:id/rotate-secret', {
    config: { scopes: ['update:client_keys'], operation: 'Rotate a client secret' },
    schema: {
      summary: 'Rotate a client secret',
      params: ClientIdParams,
      response: { 200: Client, '4xx': ManagementErrorBody },
    },
    handler: async (request) => services.clients.rotateSecret(request.tenant, request.params.id),
  });
}
