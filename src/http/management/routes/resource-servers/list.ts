import { Type } from '@sinclair/typebox';
import { systemApis } from '../../../../domain/system-apis.js';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, PagingQuery, StrictObject, pagedResponse } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { listBody, listWindow } from '../paging.js';
import { ResourceServer } from './schemas.js';

const ListResourceServersQuery = StrictObject({
  ...PagingQuery,
  identifiers: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 600 }), Type.Array(Type.String({ minLength: 1, maxLength: 600 }), { maxItems: 100 })])),
});

/** GET /api/v2/resource-servers — the tenant's system APIs (Management API, MFA API); Guardline has no others. */
export default function listResourceServersRoute(app: App, _services: Services) {
  app.get('/resource-servers', {
    config: { scopes: ['read:resource_servers'] },
    schema: { summary: 'Get resource servers', querystring: ListResourceServersQuery, response: { 200: pagedResponse('resource_servers', ResourceServer), '4xx': ManagementErrorBody } },
    handler: async (request) => {
      const { identifiers, include_totals } = request.query;
      const wanted = identifiers === undefined ? undefined : [identifiers].flat();
      const matching = systemApis(request.tenant).filter((api) => wanted === undefined || wanted.includes(api.identifier));
      const window = listWindow(request.query);
      return listBody('resource_servers', matching.slice(window.offset, window.offset + window.limit), window, include_totals === true ? matching.length : undefined);
    },
  });
}
