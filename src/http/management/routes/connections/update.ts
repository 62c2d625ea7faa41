import { Type } from '@sinclair/typebox';
import { ManagementError } from '../../../../errors/errors.js';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { Connection, ConnectionIdParams } from './schemas.js';

const ConnectionPatch = StrictObject({
  options: Type.Optional(
    StrictObject(
      {
        // a0deploy's schema adds this default to every database it writes. Guardline has no self-service password
        // change pages, so there is nothing to turn off either way: accepted, not stored.
        disable_self_service_change_password: Type.Optional(Type.Boolean({ description: 'Accepted; Guardline has no self-service password change' })),
      },
      'Guardline’s database connections have no other options (password policy and brute-force protection are tenant-wide)',
    ),
  ),
  realms: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 1, description: 'A database connection’s realm is its name' })),
  enabled_clients: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 1000, description: 'Deprecated in Auth0; every connection is enabled for every application' })),
  is_domain_connection: Type.Optional(Type.Literal(false)),
  metadata: Type.Optional(StrictObject({})),
});

/**
 * PATCH /api/v2/connections/{id} — what Guardline's database connections have is fixed by their name, so a
 * PATCH that repeats it (a0deploy writing back an export) is accepted and anything else is refused by name.
 */
export default function updateConnectionRoute(app: App, services: Services) {
  app.patch('/connections/:id', {
    config: { scopes: ['update:connections'], operation: 'Update a connection' },
    schema: { summary: 'Update a connection', params: ConnectionIdParams, body: ConnectionPatch, response: { 200: Connection, '4xx': ManagementErrorBody } },
    handler: async (request) => {
      const connection = await services.users.getConnection(request.tenant, request.params.id);
      const { realms, enabled_clients } = request.body;
      if (realms !== undefined && (realms.length !== 1 || realms[0] !== connection.name)) throw new ManagementError('operation_not_supported', `realms: a database connection's realm is its name (${connection.name})`);
      for (const clientId of enabled_clients ?? []) await services.clients.get(request.tenant, clientId);
      return connection;
    },
  });
}
