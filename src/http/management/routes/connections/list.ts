import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, PagingQuery, StrictObject, paged, pagedResponse } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { pageWindow } from '../paging.js';

const Connection = Type.Object({
  id: Type.String(),
  name: Type.String(),
  strategy: Type.String(),
  realms: Type.Array(Type.String()),
});

const ListConnectionsQuery = StrictObject({
  ...PagingQuery,
  strategy: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
});

/** GET /api/v2/connections — the tenant's database connections (a handful, so filtered and paged in memory). */
export default function listConnectionsRoute(app: App, services: Services) {
  app.get('/connections', {
    config: { scopes: ['read:connections'] },
    schema: {
      summary: 'Get all connections',
      querystring: ListConnectionsQuery,
      response: { 200: pagedResponse('connections', Connection), '4xx': ManagementErrorBody },
    },
    handler: async (request) => {
      const { strategy, name, include_totals } = request.query;
      const matching = (await services.users.listConnections(request.tenant)).filter(
        (c) => (strategy === undefined || c.strategy === strategy) && (name === undefined || c.name === name),
      );
      const window = pageWindow(request.query);
      const items = matching.slice(window.offset, window.offset + window.limit);
      return paged('connections', items, window, include_totals === true ? matching.length : undefined);
    },
  });
}
