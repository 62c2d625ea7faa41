import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import { requestContext, type App } from '../../../types.js';
import { PhoneCodeSettings, PhoneCodeSettingsBody } from './schemas.js';

/** PUT /api/v2/guardian/factors/phone/settings (Guardline extension) — a field left out keeps its value. */
export default function updatePhoneSettingsRoute(app: App, services: Services) {
  app.put('/guardian/factors/phone/settings', {
    config: { scopes: ['update:guardian_factors'], operation: 'Update phone code settings' },
    schema: {
      summary: 'Set the phone code length and lifetime (Guardline extension)',
      body: PhoneCodeSettingsBody,
      response: { 200: PhoneCodeSettings, '4xx': ManagementErrorBody },
    },
    handler: async (request) => {
      const { otp_length, otp_lifetime } = request.body;
      const updated = await services.guardian.setCodeSettings(request.tenant, { otpLength: otp_length, otpLifetimeSeconds: otp_lifetime }, requestContext(request));
      return { otp_length: updated.otpLength, otp_lifetime: updated.otpLifetimeSeconds };
    },
  });
}
