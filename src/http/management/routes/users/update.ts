import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { User, UserIdParams, UserUpdateBody } from './schemas.js';

/** PATCH /api/v2/users/{id} — metadata merges one level deep and `null` removes a key, as in Auth0. */
export default function updateUserRoute(app: App, services: Services) {
  app.patch('/users/:id', {
    config: { scopes: ['update:users'], operation: 'Update a User' },
    schema: {
      summary: 'Update a user',
      params: UserIdParams,
      body: UserUpdateBody,
      response: { 200: User, '4xx': ManagementErrorBody },
    },
    handler: async (request) => services.users.update(request.tenant, request.params.id, request.body),
  });
}
