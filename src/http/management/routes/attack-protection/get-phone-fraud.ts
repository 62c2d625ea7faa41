import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { PhoneFraudSettingsBody } from './schemas.js';

/** GET /api/v2/attack-protection/phone-fraud (Guardline extension) — country rules, velocity, budgets, pumping detection. */
export default function getPhoneFraudRoute(app: App, services: Services) {
  app.get('/attack-protection/phone-fraud', {
    config: { scopes: ['read:attack_protection'] },
    schema: { summary: 'Get the phone fraud rules (Guardline extension)', querystring: StrictObject({}), response: { 200: PhoneFraudSettingsBody, '4xx': ManagementErrorBody } },
    handler: async (request) => services.protections.phoneFraud(request.tenant),
  });
}
