import { Type } from '@sinclair/typebox';
import { ManagementError } from '../../../../errors/errors.js';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { ConnectionIdParams } from './schemas.js';

const EnabledClientsPatch = Type.Array(Type.Object({ client_id: Type.String({ minLength: 1, maxLength: 128 }), status: Type.Boolean() }, { additionalProperties: false }), { minItems: 1, maxItems: 50 });

/**
 * PATCH /api/v2/connections/{id}/clients — Guardline enables every connection for every application, so
 * enabling one of the tenant's clients is accepted as it already holds, and disabling one is refused plainly.
 */
export default function updateConnectionClientsRoute(app: App, services: Services) {
  app.patch('/connections/:id/clients', {
    config: { scopes: ['update:connections'], operation: 'Update enabled clients for a connection' },
    schema: { summary: 'Update enabled clients for a connection', params: ConnectionIdParams, body: EnabledClientsPatch, response: { 204: Type.Null(), '4xx': ManagementErrorBody } },
    handler: async (request, reply) => {
      await services.users.getConnection(request.tenant, request.params.id);
      for (const entry of request.body) {
        if (!entry.status) throw new ManagementError('operation_not_supported', `Guardline enables every connection for every application: ${entry.client_id} cannot be disabled`);
        await services.clients.get(request.tenant, entry.client_id);
      }
      return reply.code(204).send(null);
    },
  });
}
