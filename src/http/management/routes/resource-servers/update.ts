import { Type } from '@sinclair/typebox';
import { systemApis } from '../../../../domain/system-apis.js';
import { ManagementError } from '../../../../errors/errors.js';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { ResourceServer, ResourceServerIdParams } from './schemas.js';

const ResourceServerPatch = StrictObject({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  token_lifetime: Type.Optional(Type.Integer({ minimum: 1 })),
  token_lifetime_for_web: Type.Optional(Type.Integer({ minimum: 1 })),
  skip_consent_for_verifiable_first_party_clients: Type.Optional(Type.Boolean()),
  allow_offline_access: Type.Optional(Type.Boolean()),
  signing_alg: Type.Optional(Type.String({ maxLength: 10 })),
  token_dialect: Type.Optional(Type.String({ maxLength: 40 })),
});

/**
 * PATCH /api/v2/resource-servers/{id} — Guardline's APIs are its system APIs, whose settings are fixed: writing
 * back the values they have (what a0deploy does with an exported tenant) is accepted; changing one is refused.
 */
export default function updateResourceServerRoute(app: App, _services: Services) {
  app.patch('/resource-servers/:id', {
    config: { scopes: ['update:resource_servers'], operation: 'Update a resource server' },
    schema: { summary: 'Update a resource server', params: ResourceServerIdParams, body: ResourceServerPatch, response: { 200: ResourceServer, '4xx': ManagementErrorBody } },
    handler: async (request) => {
      const api = systemApis(request.tenant).find((a) => a.id === request.params.id || a.identifier === request.params.id);
      if (!api) throw new ManagementError('inexistent_resource_server', 'The resource server does not exist');
      const changed = Object.entries(request.body).filter(([key, value]) => api[key as keyof typeof api] !== value).map(([key]) => key);
      if (changed.length > 0) throw new ManagementError('operation_not_supported', `${api.name} is a system API: its ${changed.join(', ')} cannot be changed`);
      return api;
    },
  });
}
