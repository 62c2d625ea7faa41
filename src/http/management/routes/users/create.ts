import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { User, UserCreateBody } from './schemas.js';

/** POST /api/v2/users — a user of a database connection (`Username-Password-Authentication` by default). */
export default function createUserRoute(app: App, services: Services) {
  app.post('/users', {
    config: { scopes: ['create:users'], operation: 'Create a User' },
    schema: {
      summary: 'Create a user',
      body: UserCreateBody,
      response: { 201: User, '4xx': ManagementErrorBody },
    },
    handler: async (request, reply) => reply.code(201).send(await services.users.create(request.tenant, request.body)),
  });
}
