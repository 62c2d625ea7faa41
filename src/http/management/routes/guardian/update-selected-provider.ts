import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import { requestContext, type App } from '../../../types.js';
import { SelectedProvider } from './schemas.js';

/** The current path and Auth0's deprecated `sms` twin, each with Auth0's operation name. */
const PATHS = [
  {
    url: '/guardian/factors/phone/selected-provider',
    summary: 'Select the phone provider',
    operation: 'Update phone configuration (one of auth0|twilio|phone-message-hook)',
  },
  {
    url: '/guardian/factors/sms/selected-provider',
    summary: 'Select the SMS provider (deprecated: use phone/selected-provider)',
    operation: 'Update SMS configuration (one of auth0|twilio|phone-message-hook)',
  },
];

/** PUT /api/v2/guardian/factors/{phone,sms}/selected-provider */
export default function updateSelectedProviderRoutes(app: App, services: Services) {
  for (const { url, summary, operation } of PATHS) {
    app.put(url, {
      config: { scopes: ['update:guardian_factors'], operation },
      schema: {
        summary,
        body: SelectedProvider,
        response: { 200: SelectedProvider, '4xx': ManagementErrorBody },
      },
      handler: async (request) => ({ provider: await services.guardian.setProvider(request.tenant, request.body.provider, requestContext(request)) }),
    });
  }
}
