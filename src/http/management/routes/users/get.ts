import type { Services } from '../../../../services/index.js';
import { FieldsQuery, ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { User, UserIdParams } from './schemas.js';

/** GET /api/v2/users/{id} — the id arrives URL-encoded (`auth0%7C…`); Fastify decodes it. */
export default function getUserRoute(app: App, services: Services) {
  app.get('/users/:id', {
    config: { scopes: ['read:users'] },
    schema: {
      summary: 'Get a user',
      params: UserIdParams,
      querystring: StrictObject(FieldsQuery()),
      response: { 200: User, '4xx': ManagementErrorBody },
    },
    handler: async (request) => services.users.get(request.tenant, request.params.id),
  });
}
