import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { CreateTemplateBody, PhoneTemplate } from './schemas.js';

/** POST /api/v2/branding/phone/templates — both OTP templates always exist: 409 for them, 400 for types Guardline never sends. */
export default function createPhoneTemplateRoute(app: App, services: Services) {
  app.post('/branding/phone/templates', {
    config: { scopes: ['create:phone_templates'], operation: 'Create a phone template' },
    schema: {
      summary: 'Create a phone template (the OTP templates always exist: update them)',
      body: CreateTemplateBody,
      response: { 201: PhoneTemplate, '4xx': ManagementErrorBody },
    },
    handler: async (request) => services.phoneTemplates.create(request.tenant, request.body),
  });
}
