import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import { requestContext, type App } from '../../../types.js';
import { MfaPolicies } from './schemas.js';

/** PUT /api/v2/guardian/policies — the body is a bare JSON array, as in Auth0; `[]` means never. */
export default function updateMfaPoliciesRoute(app: App, services: Services) {
  app.put('/guardian/policies', {
    config: { scopes: ['update:mfa_policies'], operation: 'Set the Multi-factor Authentication policies' },
    schema: {
      summary: 'Set the MFA policies',
      body: MfaPolicies,
      response: { 200: MfaPolicies, '4xx': ManagementErrorBody },
    },
    handler: async (request) => services.guardian.setPolicies(request.tenant, request.body, requestContext(request)),
  });
}
