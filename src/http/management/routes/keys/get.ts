import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { KidParams, SigningKey } from './schemas.js';

/** GET /api/v2/keys/signing/{kid} */
export default function getSigningKeyRoute(app: App, services: Services) {
  app.get('/keys/signing/:kid', {
    config: { scopes: ['read:signing_keys'] },
    schema: {
      summary: 'Get an application signing key by its key id',
      params: KidParams,
      response: { 200: SigningKey, '4xx': ManagementErrorBody },
    },
    handler: async (request) => services.signingKeys.get(request.tenant.id, request.params.kid),
  });
}
