import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { ClientIdParams } from './schemas.js';

/** DELETE /api/v2/clients/{id} — its client grants go with it. */
export default function deleteClientRoute(app: App, services: Services) {
  app.delete('/clients/:id', {
    config: { scopes: ['delete:clients'], operation: 'Delete a Client' },
    schema: {
      summary: 'Delete a client',
      params: ClientIdParams,
      response: { 204: Type.Null(), '4xx': ManagementErrorBody },
    },
    handler: async (request, reply) => {
      await services.clients.remove(request.tenant, request.params.id);
      return reply.code(204).send(null);
    },
  });
}
