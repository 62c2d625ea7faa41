import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import { requestContext, type App } from '../../../types.js';
import { UserIdParams } from '../users/schemas.js';

/** DELETE /api/v2/users/{id}/authentication-methods — every method of the user; `gd_unenroll` each. */
export default function deleteAllAuthenticationMethodsRoute(app: App, services: Services) {
  app.delete('/users/:id/authentication-methods', {
    config: { scopes: ['delete:authentication_methods'], operation: 'Delete all authentication methods for a user' },
    schema: {
      summary: "Delete all of a user's authentication methods",
      params: UserIdParams,
      response: { 204: Type.Null(), '4xx': ManagementErrorBody },
    },
    handler: async (request, reply) => {
      await services.users.get(request.tenant, request.params.id);
      await services.authenticators.removeAll(request.tenant, request.params.id, requestContext(request));
      return reply.code(204).send(null);
    },
  });
}
