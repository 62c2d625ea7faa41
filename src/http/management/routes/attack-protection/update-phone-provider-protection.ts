import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { PhoneProviderProtectionBody, PhoneProviderProtectionPatch } from './schemas.js';

/** PATCH /api/v2/attack-protection/phone-provider-protection */
export default function updatePhoneProviderProtectionRoute(app: App, services: Services) {
  app.patch('/attack-protection/phone-provider-protection', {
    config: { scopes: ['update:attack_protection'], operation: 'Update phone provider protection' },
    schema: { summary: 'Update the phone provider protection', body: PhoneProviderProtectionPatch, response: { 200: PhoneProviderProtectionBody, '4xx': ManagementErrorBody } },
    handler: async (request) => services.protections.updateProviderProtection(request.tenant, { type: request.body.type === 'default' ? 'none' : request.body.type }),
  });
}
