import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { CheckpointQuery, ManagementErrorBody, PagingQuery, StrictObject, pagedResponse } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { listBody, listWindow } from '../paging.js';
import { ClientGrant } from './schemas.js';

const ListClientGrantsQuery = StrictObject({
  ...PagingQuery,
  ...CheckpointQuery,
  allow_any_organization: Type.Optional(Type.Boolean({ description: 'Guardline has no organizations: true matches no grant' })),
  subject_type: Type.Optional(Type.Union([Type.Literal('client'), Type.Literal('user')], { description: 'Guardline’s grants are all for clients' })),
  default_for: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Guardline has no default grants: nothing matches' })),
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
      response: { 200: pagedResponse('client_grants', ClientGrant, { checkpoint: true }), '4xx': ManagementErrorBody },
    },
    handler: async (request) => {
      const { audience, client_id, include_totals, allow_any_organization, subject_type, default_for } = request.query;
      const window = listWindow(request.query);
      if (allow_any_organization === true || subject_type === 'user' || default_for !== undefined) return listBody('client_grants', [], window, include_totals === true ? 0 : undefined);
      const { grants, total } = await services.clientGrants.list(request.tenant, { audience, clientId: client_id }, window, include_totals === true || window.checkpoint);
      return listBody('client_grants', grants, window, total);
    },
  });
}
