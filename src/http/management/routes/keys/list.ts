import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { SigningKey } from './schemas.js';

/** GET /api/v2/keys/signing — the tenant's keys: current, next, previous and revoked. */
export default function listSigningKeysRoute(app: App, services: Services) {
  app.get('/keys/signing', {
    config: { scopes: ['read:signing_keys'] },
    schema: {
      summary: 'Get all application signing keys',
      response: { 200: Type.Array(SigningKey), '4xx': ManagementErrorBody },
    },
    handler: async (request) => services.signingKeys.list(request.tenant.id),
  });
}
