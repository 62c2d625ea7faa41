import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { SigningKeyRef } from './schemas.js';

/**
 * POST /api/v2/keys/signing/rotate — next becomes current, current becomes previous, a new next is made.
 * Auth0 requires both `create:signing_keys` and `update:signing_keys`; Guardline's scope check is "any of"
 * for every route, so either one is enough here (see docs/compatibility.md).
 */
export default function rotateSigningKeyRoute(app: App, services: Services) {
  app.post('/keys/signing/rotate', {
    config: { scopes: ['create:signing_keys', 'update:signing_keys'], operation: 'Rotate the Application Signing Key' },
    schema: {
      summary: 'Rotate the application signing key',
      response: { 201: SigningKeyRef, '4xx': ManagementErrorBody },
    },
    handler: async (request, reply) => reply.code(201).send(await services.signingKeys.rotate(request.tenant.id)),
  });
}
