import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { SuspiciousIpSettingsBody, SuspiciousIpSettingsPatch } from './schemas.js';

/** PATCH /api/v2/attack-protection/suspicious-ip-throttling — returns the whole object after the change. */
export default function updateSuspiciousIpRoute(app: App, services: Services) {
  app.patch('/attack-protection/suspicious-ip-throttling', {
    config: { scopes: ['update:attack_protection'], operation: 'Update suspicious IP throttling settings' },
    schema: { summary: 'Update the suspicious IP throttling settings', body: SuspiciousIpSettingsPatch, response: { 200: SuspiciousIpSettingsBody, '4xx': ManagementErrorBody } },
    handler: async (request) => services.protections.updateSuspiciousIp(request.tenant, request.body),
  });
}
