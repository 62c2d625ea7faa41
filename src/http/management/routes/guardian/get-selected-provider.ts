import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { SelectedProvider } from './schemas.js';

/** The current path and Auth0's deprecated `sms` twin: same handler, same answer. */
const PATHS = [
  { url: '/guardian/factors/phone/selected-provider', summary: 'Get the phone provider' },
  { url: '/guardian/factors/sms/selected-provider', summary: 'Get the SMS provider (deprecated: use phone/selected-provider)' },
];

/** GET /api/v2/guardian/factors/{phone,sms}/selected-provider — `auth0`, `twilio` or `phone-message-hook`. */
export default function getSelectedProviderRoutes(app: App, services: Services) {
  for (const { url, summary } of PATHS) {
    app.get(url, {
      config: { scopes: ['read:guardian_factors'] },
      schema: {
        summary,
        querystring: StrictObject({}),
        response: { 200: SelectedProvider, '4xx': ManagementErrorBody },
      },
      handler: async (request) => ({ provider: (await services.guardian.settings(request.tenant)).provider }),
    });
  }
}
