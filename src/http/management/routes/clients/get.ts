import type { Services } from '../../../../services/index.js';
import { Type } from '@sinclair/typebox';
import { FieldsQuery, ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { Client, ClientIdParams } from './schemas.js';

/** GET /api/v2/clients/{id} — never returns the secret (stored hashed; see docs/compatibility.md). */
export default function getClientRoute(app: App, services: Services) {
  app.get('/clients/:id', {
    config: { scopes: ['read:clients'] },
    schema: {
      summary: 'Get a client',
      params: ClientIdParams,
      querystring: StrictObject(FieldsQuery()),
      response: { 200: Type.Intersect([Client, Type.Object({ global: Type.Optional(Type.Boolean()) })]), '4xx': ManagementErrorBody },
    },
    handler: async (request) => {
      const global = services.clients.globalClient(request.tenant);
      return request.params.id === global.client_id ? global : services.clients.get(request.tenant, request.params.id);
    },
  });
}
