import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { UserIdParams } from './schemas.js';

/** DELETE /api/v2/users/{id} */
export default function deleteUserRoute(app: App, services: Services) {
  app.delete('/users/:id', {
    config: { scopes: ['delete:users'], operation: 'Delete a User' },
    schema: {
      summary: 'Delete a user',
      params: UserIdParams,
      response: { 204: Type.Null(), '4xx': ManagementErrorBody },
    },
    handler: async (request, reply) => {
      await services.users.remove(request.tenant, request.params.id);
      return reply.code(204).send(null);
    },
  });
}
