import { defaultTemplate } from '../../../../domain/default-templates.js';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { PhoneTemplates } from './schemas.js';

const PATHS = [
  { url: '/guardian/factors/phone/templates', summary: 'Get the phone enrollment and verification templates' },
  { url: '/guardian/factors/sms/templates', summary: 'Get the SMS enrollment and verification templates (deprecated: use phone/templates)' },
];

/** GET /api/v2/guardian/factors/{phone,sms}/templates — the tenant's templates, or Auth0's English defaults while it has none. */
export default function getTemplatesRoutes(app: App, services: Services) {
  for (const { url, summary } of PATHS) {
    app.get(url, {
      config: { scopes: ['read:guardian_factors'] },
      schema: {
        summary,
        querystring: StrictObject({}),
        response: { 200: PhoneTemplates, '4xx': ManagementErrorBody },
      },
      handler: async (request) => {
        const { templates } = await services.guardian.settings(request.tenant);
        return {
          enrollment_message: templates.enrollment ?? defaultTemplate('enrollment', 'sms', 'en'),
          verification_message: templates.verification ?? defaultTemplate('verification', 'sms', 'en'),
        };
      },
    });
  }
}
