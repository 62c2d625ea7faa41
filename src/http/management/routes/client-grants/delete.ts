import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { ClientGrantIdParams } from './schemas.js';

/** DELETE /api/v2/client-grants/{id} — tokens already issued keep their scopes until they expire. */
export default function deleteClientGrantRoute(app: App, services: Services) {
  app.delete('/client-grants/:id', {
    config: { scopes: ['delete:client_grants'], operation: 'Delete client grant' },
    schema: {
      summary: 'Delete a client grant',
      params: ClientGrantIdParams,
      response: { 204: Type.Null(), '4xx': ManagementErrorBody },
    },
    handler: async (request, reply) => {
      await services.clientGrants.remove(request.tenant, request.params.id);
      return reply.code(204).send(null);
    },
  });
}
