import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import { requestContext, type App } from '../../../types.js';
import { TestNumbers } from './schemas.js';

/** PUT /api/v2/guardian/factors/phone/test-numbers (Guardline extension) — replaces the list; `[]` clears it. */
export default function updateTestNumbersRoute(app: App, services: Services) {
  app.put('/guardian/factors/phone/test-numbers', {
    config: { scopes: ['update:guardian_factors'], operation: 'Update phone test numbers' },
    schema: {
      summary: 'Set the phone test numbers (Guardline extension)',
      body: TestNumbers,
      response: { 200: TestNumbers, '4xx': ManagementErrorBody },
    },
    handler: async (request) => ({
      test_numbers: await services.guardian.setTestNumbers(request.tenant, request.body.test_numbers, requestContext(request)),
    }),
  });
}
