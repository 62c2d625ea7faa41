import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import { requestContext, type App } from '../../../types.js';
import { UserIdParams } from '../users/schemas.js';

/** DELETE /api/v2/users/{id}/authenticators — every authenticator of the user (phone and recovery code); `gd_unenroll` each. */
export default function deleteUserAuthenticatorsRoute(app: App, services: Services) {
  app.delete('/users/:id/authenticators', {
    config: { scopes: ['delete:guardian_enrollments'], operation: 'Delete All Authenticators of a User' },
    schema: {
      summary: "Delete all of a user's authenticators",
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
