import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { CheckpointQuery, ManagementErrorBody, PagingQuery, StrictObject, pagedResponse } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { listBody, listWindow } from '../paging.js';
import { Connection } from './schemas.js';


const ListConnectionsQuery = StrictObject({
  ...PagingQuery,
  ...CheckpointQuery,
  strategy: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 20 })], { description: 'One strategy, or several (repeated)' })),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
});

/**
 * GET /api/v2/connections — the tenant's database connections (a handful, so filtered and paged in memory), by page
 * or by checkpoint (`from`/`take`), as Auth0 pages them.
 */
export default function listConnectionsRoute(app: App, services: Services) {
  app.get('/connections', {
    config: { scopes: ['read:connections'] },
    schema: {
      summary: 'Get all connections',
      querystring: ListConnectionsQuery,
      response: { 200: pagedResponse('connections', Connection, { checkpoint: true }), '4xx': ManagementErrorBody },
    },
    handler: async (request) => {
      const { strategy, name, include_totals } = request.query;
      const strategies = strategy === undefined ? undefined : [strategy].flat();
      const matching = (await services.users.listConnections(request.tenant)).filter(
        (c) => (strategies === undefined || strategies.includes(c.strategy)) && (name === undefined || c.name === name),
      );
      const window = listWindow(request.query);
      const items = matching.slice(window.offset, window.offset + window.limit);
      return listBody('connections', items, window, include_totals === true || window.checkpoint ? matching.length : undefined);
    },
  });
}
