import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { PhoneTemplate, TemplateIdParams } from './schemas.js';

/** GET /api/v2/branding/phone/templates/{id} (`tem_otp_enroll`, `tem_otp_verify`) */
export default function getPhoneTemplateRoute(app: App, services: Services) {
  app.get('/branding/phone/templates/:id', {
    config: { scopes: ['read:phone_templates'] },
    schema: {
      summary: 'Get a phone template',
      params: TemplateIdParams,
      querystring: StrictObject({}),
      response: { 200: PhoneTemplate, '4xx': ManagementErrorBody },
    },
    handler: async (request) => services.phoneTemplates.get(request.tenant, request.params.id),
  });
}
