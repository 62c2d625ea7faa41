import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { ClientGrant, ClientGrantCreateBody } from './schemas.js';

/** POST /api/v2/client-grants — which Management API scopes an application may obtain. */
export default function createClientGrantRoute(app: App, services: Services) {
  app.post('/client-grants', {
    config: { scopes: ['create:client_grants'], operation: 'Create client grant' },
    schema: {
      summary: 'Create a client grant',
      body: ClientGrantCreateBody,
      response: { 201: ClientGrant, '4xx': ManagementErrorBody },
    },
    handler: async (request, reply) => reply.code(201).send(await services.clientGrants.create(request.tenant, request.body)),
  });
}
