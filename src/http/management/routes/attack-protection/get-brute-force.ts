import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { BruteForceSettings } from './schemas.js';

/** GET /api/v2/attack-protection/brute-force-protection — Auth0's defaults until a PATCH changes them. */
export default function getBruteForceRoute(app: App, services: Services) {
  app.get('/attack-protection/brute-force-protection', {
    config: { scopes: ['read:attack_protection'] },
    schema: {
      summary: 'Get the brute-force protection settings',
      querystring: StrictObject({}),
      response: { 200: BruteForceSettings, '4xx': ManagementErrorBody },
    },
    handler: async (request) => services.bruteForce.settings(request.tenant),
  });
}
