import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { BruteForceSettings, BruteForceSettingsPatch } from './schemas.js';

/** PATCH /api/v2/attack-protection/brute-force-protection — returns the whole object after the change. */
export default function updateBruteForceRoute(app: App, services: Services) {
  app.patch('/attack-protection/brute-force-protection', {
    config: { scopes: ['update:attack_protection'], operation: 'Update brute-force protection settings' },
    schema: {
      summary: 'Update the brute-force protection settings',
      body: BruteForceSettingsPatch,
      response: { 200: BruteForceSettings, '4xx': ManagementErrorBody },
    },
    handler: async (request) => services.bruteForce.update(request.tenant, request.body),
  });
}
