import { ManagementError, ValidationError } from '../../../../errors/errors.js';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import { requestContext, type App } from '../../../types.js';
import { UserIdParams } from '../users/schemas.js';
import { AuthenticationMethod, AuthenticationMethodCreateBody } from './schemas.js';

/**
 * POST /api/v2/users/{id}/authentication-methods — adds a phone, confirmed at once (as in Auth0); 409 for the
 * same number, 403 `too_many_entities` when the user already has a phone. Other types are not supported.
 */
export default function createAuthenticationMethodRoute(app: App, services: Services) {
  app.post('/users/:id/authentication-methods', {
    config: { scopes: ['create:authentication_methods'], operation: 'Create an authentication method for a user' },
    schema: {
      summary: 'Create an authentication method for a user',
      params: UserIdParams,
      body: AuthenticationMethodCreateBody,
      response: { 201: AuthenticationMethod, '4xx': ManagementErrorBody },
    },
    handler: async (request, reply) => {
      const { type, phone_number, name, preferred_authentication_method } = request.body;
      if (type !== 'phone') {
        throw new ManagementError('operation_not_supported', `type: Guardline supports only "phone" authentication methods, not "${type}"`);
      }
      if (phone_number === undefined) throw new ValidationError("Payload validation error: 'Missing required property: phone_number'.");
      await services.users.get(request.tenant, request.params.id);
      const view = await services.authenticators.addPhone(
        request.tenant,
        request.params.id,
        { phone_number, ...(name !== undefined ? { name } : {}), ...(preferred_authentication_method ? { preferred_authentication_method } : {}) },
        requestContext(request),
      );
      return reply.code(201).send(view);
    },
  });
}
