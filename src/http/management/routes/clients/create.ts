import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { Client, ClientCreateBody } from './schemas.js';

/** POST /api/v2/clients — the response carries `client_secret`, the only time it is ever shown. */
export default function createClientRoute(app: App, services: Services) {
  app.post('/clients', {
    config: { scopes: ['create:clients'], operation: 'Create a Client' },
    schema: {
      summary: 'Create a client (application)',
      body: ClientCreateBody,
      response: { 201: Client, '4xx': ManagementErrorBody },
    },
    handler: async (request, reply) => reply.code(201).send(await services.clients.create(request.tenant, request.body)),
  });
}
