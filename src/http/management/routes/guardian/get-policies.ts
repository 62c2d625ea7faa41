import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { MfaPolicies } from './schemas.js';

/** GET /api/v2/guardian/policies — `[]` (never), `["all-applications"]` or `["confidence-score"]`. */
export default function getMfaPoliciesRoute(app: App, services: Services) {
  app.get('/guardian/policies', {
    config: { scopes: ['read:mfa_policies'] },
    schema: {
      summary: 'Get the MFA policies',
      querystring: StrictObject({}),
      response: { 200: MfaPolicies, '4xx': ManagementErrorBody },
    },
    handler: async (request) => (await services.guardian.settings(request.tenant)).mfaPolicies,
  });
}
