import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import { requestContext, type App } from '../../../types.js';
import { PhoneTemplate, TemplateIdParams } from './schemas.js';

/** PATCH /api/v2/branding/phone/templates/{id}/reset and DELETE /{id} — back to the built-in ja/en default. */
export default function resetPhoneTemplateRoutes(app: App, services: Services) {
  app.patch('/branding/phone/templates/:id/reset', {
    config: { scopes: ['update:phone_templates'], operation: 'Reset a phone template' },
    schema: {
      summary: 'Reset a phone template to the built-in default',
      params: TemplateIdParams,
      body: Type.Optional(StrictObject({})),
      response: { 200: PhoneTemplate, '4xx': ManagementErrorBody },
    },
    handler: async (request) => services.phoneTemplates.reset(request.tenant, request.params.id, requestContext(request)),
  });
  app.delete('/branding/phone/templates/:id', {
    config: { scopes: ['delete:phone_templates'], operation: 'Delete a phone template' },
    schema: {
      summary: 'Delete a phone template (the OTP templates go back to the built-in default)',
      params: TemplateIdParams,
      response: { 204: Type.Null(), '4xx': ManagementErrorBody },
    },
    handler: async (request, reply) => {
      await services.phoneTemplates.reset(request.tenant, request.params.id, requestContext(request));
      return reply.code(204).send(null);
    },
  });
}
