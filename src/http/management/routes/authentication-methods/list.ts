import { authenticationMethodView } from '../../../../services/authenticators.js';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { pageWindow } from '../paging.js';
import { UserIdParams } from '../users/schemas.js';
import { AuthenticationMethodList, AuthenticationMethodListQuery } from './schemas.js';

/** GET /api/v2/users/{id}/authentication-methods — oldest first, confirmed or not (see `confirmed`). */
export default function listAuthenticationMethodsRoute(app: App, services: Services) {
  app.get('/users/:id/authentication-methods', {
    config: { scopes: ['read:authentication_methods'] },
    schema: {
      summary: "Get a user's authentication methods",
      params: UserIdParams,
      querystring: AuthenticationMethodListQuery,
      response: { 200: AuthenticationMethodList, '4xx': ManagementErrorBody },
    },
    handler: async (request) => {
      await services.users.get(request.tenant, request.params.id);
      // A user has a handful of methods at most: page in memory.
      const all = (await services.authenticators.listForUser(request.tenant, request.params.id)).map(authenticationMethodView);
      const window = pageWindow(request.query);
      const authenticators = all.slice(window.offset, window.offset + window.limit);
      if (request.query.include_totals !== true) return authenticators;
      return { start: window.offset, limit: window.limit, total: all.length, authenticators };
    },
  });
}
