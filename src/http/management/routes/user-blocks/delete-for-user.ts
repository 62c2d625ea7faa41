import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { UserIdParams } from '../users/schemas.js';

/** DELETE /api/v2/user-blocks/{id} — lifts the brute-force blocks of the user's email and username. */
export default function deleteUserBlocksForUserRoute(app: App, services: Services) {
  app.delete('/user-blocks/:id', {
    config: { scopes: ['update:users'], operation: 'Unblock a user' },
    schema: {
      summary: "Remove the brute-force blocks of a user's identifiers",
      params: UserIdParams,
      querystring: StrictObject({}),
      response: { 204: Type.Null(), '4xx': ManagementErrorBody },
    },
    handler: async (request, reply) => {
      await services.bruteForce.unblockUser(request.tenant, request.params.id);
      return reply.code(204).send(null);
    },
  });
}
