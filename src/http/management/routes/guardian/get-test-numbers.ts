import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { TestNumbers } from './schemas.js';

/** GET /api/v2/guardian/factors/phone/test-numbers (Guardline extension) */
export default function getTestNumbersRoute(app: App, services: Services) {
  app.get('/guardian/factors/phone/test-numbers', {
    config: { scopes: ['read:guardian_factors'] },
    schema: {
      summary: 'Get the phone test numbers (Guardline extension)',
      querystring: StrictObject({}),
      response: { 200: TestNumbers, '4xx': ManagementErrorBody },
    },
    handler: async (request) => ({ test_numbers: (await services.guardian.settings(request.tenant)).testNumbers }),
  });
}
