import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import { requestContext, type App } from '../../../types.js';
import { PhoneTemplate, TemplateIdParams, UpdateTemplateBody } from './schemas.js';

/** PATCH /api/v2/branding/phone/templates/{id} — `content.body.text` becomes the guardian template of that purpose. */
export default function updatePhoneTemplateRoute(app: App, services: Services) {
  app.patch('/branding/phone/templates/:id', {
    config: { scopes: ['update:phone_templates'], operation: 'Update a phone template' },
    schema: {
      summary: 'Update a phone template',
      params: TemplateIdParams,
      body: UpdateTemplateBody,
      response: { 200: PhoneTemplate, '4xx': ManagementErrorBody },
    },
    handler: async (request) => services.phoneTemplates.update(request.tenant, request.params.id, request.body, requestContext(request)),
  });
}
