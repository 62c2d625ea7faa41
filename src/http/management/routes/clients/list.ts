import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { APP_TYPES } from '../../../../domain/grant-types.js';
import { ManagementError } from '../../../../errors/errors.js';
import { ManagementErrorBody, PagingQuery, StrictObject, pagedResponse } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { listBody, listWindow } from '../paging.js';
import { parseSearchQuery } from '../query-string.js';
import { Client } from './schemas.js';

const ListClientsQuery = StrictObject({
  ...PagingQuery,
  is_global: Type.Optional(Type.Boolean({ description: 'true: only the tenant’s global client (All Applications); false: the others' })),
  is_first_party: Type.Optional(Type.Boolean()),
  app_type: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'Comma-separated application types' })),
  external_client_id: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'Clients registered from metadata documents: Guardline has none, so nothing matches' })),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: 'name:"…" (exact)' })),
});

/** GET /api/v2/clients — oldest first; with `include_totals` Auth0's `{start, limit, length, total, clients}`. */
export default function listClientsRoute(app: App, services: Services) {
  app.get('/clients', {
    config: { scopes: ['read:clients'] },
    schema: {
      summary: 'Get clients',
      querystring: ListClientsQuery,
      response: { 200: pagedResponse('clients', Type.Intersect([Client, Type.Object({ global: Type.Optional(Type.Boolean()) })])), '4xx': ManagementErrorBody },
    },
    handler: async (request) => {
      const { is_global, is_first_party, app_type, external_client_id, q, include_totals } = request.query;
      const window = listWindow(request.query);
      const appTypes = app_type?.split(',');
      const unknownType = appTypes?.find((t) => !(APP_TYPES as readonly string[]).includes(t));
      if (unknownType !== undefined) throw new ManagementError('invalid_query_string', `app_type: unknown application type ${unknownType}`);
      const name = q === undefined ? undefined : clientName(q);
      if (is_global === true || external_client_id !== undefined) {
        const global = services.clients.globalClient(request.tenant);
        const matches = is_global === true && external_client_id === undefined && (is_first_party ?? true) && (appTypes?.includes(global.app_type) ?? true) && (name ?? global.name) === global.name;
        const items = matches && window.offset === 0 ? [global] : [];
        return listBody('clients', items, window, include_totals === true ? (matches ? 1 : 0) : undefined);
      }
      const filter = { ...(is_first_party !== undefined ? { isFirstParty: is_first_party } : {}), ...(appTypes ? { appTypes } : {}), ...(name !== undefined ? { name } : {}) };
      const { clients, total } = await services.clients.list(request.tenant, filter, window, include_totals === true);
      return listBody('clients', clients, window, total);
    },
  });
}

/** Auth0's `q` on clients: Guardline takes `name:value` or `name:"value"` (exact), the form tools send. */
function clientName(q: string): string | undefined {
  return parseSearchQuery(q, { name: { multiple: false } }).find((c) => c.field === 'name')?.values[0];
}
