import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { PhoneCodeSettings } from './schemas.js';

/** GET /api/v2/guardian/factors/phone/settings (Guardline extension) — code length and lifetime in seconds. */
export default function getPhoneSettingsRoute(app: App, services: Services) {
  app.get('/guardian/factors/phone/settings', {
    config: { scopes: ['read:guardian_factors'] },
    schema: {
      summary: 'Get the phone code length and lifetime (Guardline extension)',
      querystring: StrictObject({}),
      response: { 200: PhoneCodeSettings, '4xx': ManagementErrorBody },
    },
    handler: async (request) => {
      const { otpLength, otpLifetimeSeconds } = await services.guardian.settings(request.tenant);
      return { otp_length: otpLength, otp_lifetime: otpLifetimeSeconds };
    },
  });
}
