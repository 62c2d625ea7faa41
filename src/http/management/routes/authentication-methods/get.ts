import { NotFoundError } from '../../../../errors/errors.js';
import { authenticationMethodView } from '../../../../services/authenticators.js';
import type { Services } from '../../../../services/index.js';
import type { Tenant } from '../../../../services/tenants.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { AuthenticationMethod, AuthenticationMethodParams } from './schemas.js';

/** GET /api/v2/users/{id}/authentication-methods/{authentication_method_id} */
export default function getAuthenticationMethodRoute(app: App, services: Services) {
  app.get('/users/:id/authentication-methods/:authentication_method_id', {
    config: { scopes: ['read:authentication_methods'] },
    schema: {
      summary: 'Get an authentication method by id',
      params: AuthenticationMethodParams,
      response: { 200: AuthenticationMethod, '4xx': ManagementErrorBody },
    },
    handler: async (request) => {
      const { id, authentication_method_id } = request.params;
      return authenticationMethodView(await findUsersMethod(services, request.tenant, id, authentication_method_id));
    },
  });
}

/**
 * The user's authenticator named by `methodId` (`phone|dev_…`, `sms|…`, `voice|…`, `recovery-code|…` or `dev_…`):
 * 404 `inexistent_user` for an unknown user, 404 `inexistent_authenticator` for an unknown id or another user's.
 */
export async function findUsersMethod(services: Services, tenant: Tenant, userId: string, methodId: string) {
  await services.users.get(tenant, userId);
  const row = await services.authenticators.find(tenant, methodId);
  if (!row || row.user_id !== userId) throw new NotFoundError('authenticator', 'Authentication method not found');
  return row;
}
