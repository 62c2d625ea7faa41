import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import { requestContext, type App } from '../../../types.js';
import { findUsersMethod } from './get.js';
import { AuthenticationMethodParams } from './schemas.js';

/** DELETE /api/v2/users/{id}/authentication-methods/{authentication_method_id} — a phone goes with both channels; `gd_unenroll`. */
export default function deleteAuthenticationMethodRoute(app: App, services: Services) {
  app.delete('/users/:id/authentication-methods/:authentication_method_id', {
    config: { scopes: ['delete:authentication_methods'], operation: 'Delete an authentication method by id' },
    schema: {
      summary: 'Delete an authentication method by id',
      params: AuthenticationMethodParams,
      response: { 204: Type.Null(), '4xx': ManagementErrorBody },
    },
    handler: async (request, reply) => {
      const { id, authentication_method_id } = request.params;
      const row = await findUsersMethod(services, request.tenant, id, authentication_method_id);
      await services.authenticators.remove(request.tenant, row, requestContext(request));
      return reply.code(204).send(null);
    },
  });
}
