import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { FieldsQuery, ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { User } from './schemas.js';

/** Plenty for one address: a user exists at most once per connection. */
const MAX_USERS_PER_EMAIL = 100;

/** GET /api/v2/users-by-email?email= — every user with this address (case-insensitive), in any connection. */
export default function listUsersByEmailRoute(app: App, services: Services) {
  app.get('/users-by-email', {
    config: { scopes: ['read:users'] },
    schema: {
      summary: 'Search users by email',
      querystring: StrictObject({ email: Type.String({ minLength: 1, maxLength: 254 }), ...FieldsQuery() }),
      response: { 200: Type.Array(User), '4xx': ManagementErrorBody },
    },
    handler: async (request) => {
      const filter = { email: request.query.email };
      const { users } = await services.users.list(request.tenant, filter, { offset: 0, limit: MAX_USERS_PER_EMAIL }, false);
      return users;
    },
  });
}
