import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import { requestContext, type App } from '../../../types.js';

const OtpAutofill = StrictObject({
  enabled: Type.Boolean({ description: 'SMS codes end with the origin-bound one-time-code line `@<login domain> #<code>` (WebOTP, iOS and Android autofill); on by default' }),
});

/**
 * GET/PUT /api/v2/guardian/factors/phone/otp-autofill (Guardline extension): the origin-bound one-time-code line
 * of SMS codes. Off gives Auth0's exact texts.
 */
export default function otpAutofillRoutes(app: App, services: Services) {
  app.get('/guardian/factors/phone/otp-autofill', {
    config: { scopes: ['read:guardian_factors'] },
    schema: {
      summary: 'Get the SMS one-time-code autofill line switch (Guardline extension)',
      querystring: StrictObject({}),
      response: { 200: OtpAutofill, '4xx': ManagementErrorBody },
    },
    handler: async (request) => ({ enabled: (await services.guardian.settings(request.tenant)).otpAutofill }),
  });
  app.put('/guardian/factors/phone/otp-autofill', {
    config: { scopes: ['update:guardian_factors'], operation: 'Update SMS one-time-code autofill' },
    schema: {
      summary: 'Set the SMS one-time-code autofill line switch (Guardline extension)',
      body: OtpAutofill,
      response: { 200: OtpAutofill, '4xx': ManagementErrorBody },
    },
    handler: async (request) => ({ enabled: await services.guardian.setOtpAutofill(request.tenant, request.body.enabled, requestContext(request)) }),
  });
}
