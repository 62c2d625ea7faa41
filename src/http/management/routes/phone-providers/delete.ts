import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import { requestContext, type App } from '../../../types.js';
import { ProviderIdParams } from './shape.js';

/** DELETE /api/v2/branding/phone/providers/{id} — removes it from the chain (its ledger rows stay). */
export default function deletePhoneProviderRoute(app: App, services: Services) {
  app.delete('/branding/phone/providers/:id', {
    config: { scopes: ['delete:phone_providers'], operation: 'Delete a phone provider' },
    schema: {
      summary: 'Delete a phone provider',
      params: ProviderIdParams,
      response: { 204: Type.Null(), '4xx': ManagementErrorBody },
    },
    handler: async (request, reply) => {
      await services.providerConfigs.remove(request.tenant, request.params.id, requestContext(request));
      return reply.code(204).send(null);
    },
  });
}
