import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import { requestContext, type App } from '../../../types.js';

/**
 * DELETE /api/v2/guardian/factors/phone/templates (Guardline extension) — forgets the tenant's templates, so each
 * message uses the built-in default of its locale (English or Japanese) again.
 */
export default function resetTemplatesRoute(app: App, services: Services) {
  app.delete('/guardian/factors/phone/templates', {
    config: { scopes: ['update:guardian_factors'], operation: 'Reset Enrollment and Verification Phone Templates' },
    schema: {
      summary: 'Go back to the per-locale default phone templates (Guardline extension)',
      response: { 204: Type.Null(), '4xx': ManagementErrorBody },
    },
    handler: async (request, reply) => {
      await services.guardian.setTemplates(request.tenant, { enrollment: null, verification: null }, requestContext(request));
      return reply.code(204).send(null);
    },
  });
}
