import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, PagingQuery, StrictObject, paged, pagedResponse } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { pageWindow } from '../paging.js';
import { Client } from './schemas.js';

/** GET /api/v2/clients — oldest first; with `include_totals` Auth0's `{start, limit, length, total, clients}`. */
export default function listClientsRoute(app: App, services: Services) {
  app.get('/clients', {
    config: { scopes: ['read:clients'] },
    schema: {
      summary: 'Get clients',
      querystring: StrictObject(PagingQuery),
      response: { 200: pagedResponse('clients', Client), '4xx': ManagementErrorBody },
    },
    handler: async (request) => {
      const window = pageWindow(request.query);
      const { clients, total } = await services.clients.list(request.tenant, window, request.query.include_totals === true);
      return paged('clients', clients, window, total);
    },
  });
}
