import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import { requestContext, type App } from '../../../types.js';
import { TwilioSettings, TwilioSettingsBody } from './schemas.js';

const PATHS = [
  { url: '/guardian/factors/phone/providers/twilio', summary: 'Set the Twilio phone settings', operation: 'Update Twilio phone configuration' },
  {
    url: '/guardian/factors/sms/providers/twilio',
    summary: 'Set the Twilio SMS settings (deprecated: use phone/providers/twilio)',
    operation: 'Update Twilio SMS configuration',
  },
];

/**
 * PUT /api/v2/guardian/factors/{phone,sms}/providers/twilio — replaces all four fields (one left out becomes null).
 * The auth token is sealed before it is stored and answered masked.
 */
export default function updateTwilioRoutes(app: App, services: Services) {
  for (const { url, summary, operation } of PATHS) {
    app.put(url, {
      config: { scopes: ['update:guardian_factors'], operation },
      schema: {
        summary,
        body: TwilioSettingsBody,
        response: { 200: TwilioSettings, '4xx': ManagementErrorBody },
      },
      handler: async (request) => services.providerConfigs.setTwilio(request.tenant, request.body, requestContext(request)),
    });
  }
}
