import { defaultTemplate } from '../../../../domain/default-templates.js';
import type { MessagePurpose } from '../../../../domain/message-templates.js';
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
          enrollment_message: shownTemplate('enrollment', templates.enrollment),
          verification_message: shownTemplate('verification', templates.verification),
        };
      },
    });
  }
}

/** What a read shows for a stored template: itself, or the built-in English SMS text when none is stored. */
export const shownTemplate = (purpose: MessagePurpose, stored: string | null) => stored ?? defaultTemplate(purpose, 'sms', 'en');
