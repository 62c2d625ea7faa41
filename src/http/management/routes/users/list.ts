import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, PagingQuery, StrictObject, paged, pagedResponse } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { pageWindow } from '../paging.js';
import { clauseValue, parseSearchQuery } from '../query-string.js';
import { User } from './schemas.js';

const ListUsersQuery = StrictObject({
  ...PagingQuery,
  q: Type.Optional(Type.String({ maxLength: 1024 })),
  connection: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  // SDKs send it; every engine behaves as Auth0's v3 here.
  search_engine: Type.Optional(Type.Union([Type.Literal('v1'), Type.Literal('v2'), Type.Literal('v3')])),
});

/** GET /api/v2/users — oldest first; `q` takes `email:` and `username:` terms joined with AND. */
export default function listUsersRoute(app: App, services: Services) {
  app.get('/users', {
    config: { scopes: ['read:users'] },
    schema: {
      summary: 'List or search users',
      querystring: ListUsersQuery,
      response: { 200: pagedResponse('users', User), '4xx': ManagementErrorBody },
    },
    handler: async (request) => {
      const { q, connection, include_totals } = request.query;
      const clauses = parseSearchQuery(q ?? '', { email: { multiple: false }, username: { multiple: false } });
      const filter = {
        email: clauseValue(clauses, 'email'),
        username: clauseValue(clauses, 'username'),
        connectionName: connection,
      };
      const window = pageWindow(request.query);
      const { users, total } = await services.users.list(request.tenant, filter, window, include_totals === true);
      return paged('users', users, window, total);
    },
  });
}
