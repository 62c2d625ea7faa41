import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, PagingQuery, StrictObject, paged, pagedResponse } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { pageWindow } from '../paging.js';
import { ClientGrant } from './schemas.js';

const ListClientGrantsQuery = StrictObject({
  ...PagingQuery,
  audience: Type.Optional(Type.String({ minLength: 1, maxLength: 600 })),
  client_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
});

/** GET /api/v2/client-grants — optionally for one audience and/or one client. */
export default function listClientGrantsRoute(app: App, services: Services) {
  app.get('/client-grants', {
    config: { scopes: ['read:client_grants'] },
    schema: {
      summary: 'Get client grants',
      querystring: ListClientGrantsQuery,
      response: { 200: pagedResponse('client_grants', ClientGrant), '4xx': ManagementErrorBody },
    },
    handler: async (request) => {
      const { audience, client_id, include_totals } = request.query;
      const window = pageWindow(request.query);
      const { grants, total } = await services.clientGrants.list(request.tenant, { audience, clientId: client_id }, window, include_totals === true);
      return paged('client_grants', grants, window, total);
    },
  });
}
