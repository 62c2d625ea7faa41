import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { PhoneFraudSettingsBody, PhoneFraudSettingsPatch } from './schemas.js';

/** PATCH /api/v2/attack-protection/phone-fraud — a field left out keeps its value; lists and the budget countries are replaced whole. */
export default function updatePhoneFraudRoute(app: App, services: Services) {
  app.patch('/attack-protection/phone-fraud', {
    config: { scopes: ['update:attack_protection'], operation: 'Update phone fraud rules' },
    schema: { summary: 'Update the phone fraud rules (Guardline extension)', body: PhoneFraudSettingsPatch, response: { 200: PhoneFraudSettingsBody, '4xx': ManagementErrorBody } },
    handler: async (request) => services.protections.updatePhoneFraud(request.tenant, request.body),
  });
}
