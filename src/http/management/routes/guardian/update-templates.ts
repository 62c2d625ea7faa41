import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import { requestContext, type App } from '../../../types.js';
import type { MessagePurpose } from '../../../../domain/message-templates.js';
import { shownTemplate } from './get-templates.js';
import { PhoneTemplates } from './schemas.js';

const PATHS = [
  { url: '/guardian/factors/phone/templates', summary: 'Set the phone enrollment and verification templates', operation: 'Update Enrollment and Verification Phone Templates' },
  {
    url: '/guardian/factors/sms/templates',
    summary: 'Set the SMS enrollment and verification templates (deprecated: use phone/templates)',
    operation: 'Update SMS Enrollment and Verification Templates',
  },
];

/**
 * PUT /api/v2/guardian/factors/{phone,sms}/templates — both templates are checked (Liquid syntax, known variables,
 * render limits) before either is stored; the error names the field and the line and column.
 */
export default function updateTemplatesRoutes(app: App, services: Services) {
  for (const { url, summary, operation } of PATHS) {
    app.put(url, {
      config: { scopes: ['update:guardian_factors'], operation },
      schema: {
        summary,
        body: PhoneTemplates,
        response: { 200: PhoneTemplates, '4xx': ManagementErrorBody },
      },
      handler: async (request) => {
        const { enrollment_message, verification_message } = request.body;
        // A template written back as a read showed it (a0deploy importing its own export) stays as it is: when
        // none is stored, the built-in per-locale SMS and voice defaults stay in use.
        const { templates } = await services.guardian.settings(request.tenant);
        const keep = (purpose: MessagePurpose, incoming: string) => (incoming === shownTemplate(purpose, templates[purpose]) ? templates[purpose] : incoming);
        await services.guardian.setTemplates(request.tenant, { enrollment: keep('enrollment', enrollment_message), verification: keep('verification', verification_message) }, requestContext(request));
        return { enrollment_message, verification_message };
      },
    });
  }
}
