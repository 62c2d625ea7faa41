import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { PhoneTemplate } from './schemas.js';

/** GET /api/v2/branding/phone/templates — the two one-time-code templates (shared with /guardian/factors/phone/templates). */
export default function listPhoneTemplatesRoute(app: App, services: Services) {
  app.get('/branding/phone/templates', {
    config: { scopes: ['read:phone_templates'] },
    schema: {
      summary: 'List phone templates',
      querystring: StrictObject({ disabled: Type.Optional(Type.Boolean()) }),
      response: { 200: Type.Object({ templates: Type.Array(PhoneTemplate) }), '4xx': ManagementErrorBody },
    },
    handler: async (request) => ({ templates: request.query.disabled === true ? [] : await services.phoneTemplates.list(request.tenant) }),
  });
}
