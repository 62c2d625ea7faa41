import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { PhoneProviderProtectionBody } from './schemas.js';

/** GET /api/v2/attack-protection/phone-provider-protection — `{type: "exponential" | "none"}` (default none). */
export default function getPhoneProviderProtectionRoute(app: App, services: Services) {
  app.get('/attack-protection/phone-provider-protection', {
    config: { scopes: ['read:attack_protection'] },
    schema: { summary: 'Get the phone provider protection (back-off between a user\'s sends)', querystring: StrictObject({}), response: { 200: PhoneProviderProtectionBody, '4xx': ManagementErrorBody } },
    handler: async (request) => services.protections.providerProtection(request.tenant),
  });
}
