import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { Factor } from './schemas.js';

/** GET /api/v2/guardian/factors — all eight of Auth0's factor names, enabled or not. */
export default function listGuardianFactorsRoute(app: App, services: Services) {
  app.get('/guardian/factors', {
    config: { scopes: ['read:guardian_factors'] },
    schema: {
      summary: 'Get the MFA factors and their status',
      querystring: StrictObject({}),
      response: { 200: Type.Array(Factor), '4xx': ManagementErrorBody },
    },
    handler: async (request) => services.guardian.listFactors(request.tenant),
  });
}
