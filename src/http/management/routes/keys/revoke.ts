import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { KidParams, SigningKeyRef } from './schemas.js';

/** PUT /api/v2/keys/signing/{kid}/revoke — only a previous key; tokens it signed stop verifying. */
export default function revokeSigningKeyRoute(app: App, services: Services) {
  app.put('/keys/signing/:kid/revoke', {
    config: { scopes: ['update:signing_keys'], operation: 'Revoke an Application Signing Key by its key id' },
    schema: {
      summary: 'Revoke an application signing key by its key id',
      params: KidParams,
      response: { 200: SigningKeyRef, '4xx': ManagementErrorBody },
    },
    handler: async (request) => {
      const revoked = await services.signingKeys.revoke(request.tenant.id, request.params.kid);
      return { kid: revoked.kid };
    },
  });
}
