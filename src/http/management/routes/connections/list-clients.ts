import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { CheckpointQuery, ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { listBody, listWindow } from '../paging.js';
import { ConnectionIdParams } from './schemas.js';

/**
 * GET /api/v2/connections/{id}/clients — the applications that may use the connection. Every Guardline
 * connection is enabled for every application of its tenant, so this is the tenant's clients, oldest first.
 */
export default function listConnectionClientsRoute(app: App, services: Services) {
  app.get('/connections/:id/clients', {
    config: { scopes: ['read:connections'] },
    schema: {
      summary: 'Get enabled clients for a connection',
      params: ConnectionIdParams,
      querystring: StrictObject(CheckpointQuery),
      response: { 200: Type.Object({ clients: Type.Array(Type.Object({ client_id: Type.String() })), next: Type.Optional(Type.String()) }), '4xx': ManagementErrorBody },
    },
    handler: async (request) => {
      await services.users.getConnection(request.tenant, request.params.id);
      const window = listWindow({ take: request.query.take ?? 50, ...(request.query.from !== undefined ? { from: request.query.from } : {}) });
      const { clients, total } = await services.clients.list(request.tenant, {}, window, true);
      return listBody('clients', clients.map((c) => ({ client_id: c.client_id })), window, total) as { clients: { client_id: string }[]; next?: string };
    },
  });
}
