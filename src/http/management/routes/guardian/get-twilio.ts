import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { TwilioSettings } from './schemas.js';

const PATHS = [
  { url: '/guardian/factors/phone/providers/twilio', summary: 'Get the Twilio phone settings (auth token masked)' },
  { url: '/guardian/factors/sms/providers/twilio', summary: 'Get the Twilio SMS settings (deprecated: use phone/providers/twilio)' },
];

/** GET /api/v2/guardian/factors/{phone,sms}/providers/twilio — the auth token only as `****` and its last four characters. */
export default function getTwilioRoutes(app: App, services: Services) {
  for (const { url, summary } of PATHS) {
    app.get(url, {
      config: { scopes: ['read:guardian_factors'] },
      schema: {
        summary,
        querystring: StrictObject({}),
        response: { 200: TwilioSettings, '4xx': ManagementErrorBody },
      },
      handler: async (request) => services.providerConfigs.twilioSettings(request.tenant),
    });
  }
}
