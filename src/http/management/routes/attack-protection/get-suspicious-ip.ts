import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { SuspiciousIpSettingsBody } from './schemas.js';

/** GET /api/v2/attack-protection/suspicious-ip-throttling — Auth0's defaults until a PATCH changes them. */
export default function getSuspiciousIpRoute(app: App, services: Services) {
  app.get('/attack-protection/suspicious-ip-throttling', {
    config: { scopes: ['read:attack_protection'] },
    schema: { summary: 'Get the suspicious IP throttling settings', querystring: StrictObject({}), response: { 200: SuspiciousIpSettingsBody, '4xx': ManagementErrorBody } },
    handler: async (request) => services.protections.suspiciousIp(request.tenant),
  });
}
