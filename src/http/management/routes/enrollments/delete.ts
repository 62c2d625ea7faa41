import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import { requestContext, type App } from '../../../types.js';
import { findPhoneEnrollment } from './get.js';
import { EnrollmentIdParams } from './schemas.js';

/** DELETE /api/v2/guardian/enrollments/{id} — the phone goes with both its channels (sms and voice); `gd_unenroll`. */
export default function deleteEnrollmentRoute(app: App, services: Services) {
  app.delete('/guardian/enrollments/:id', {
    config: { scopes: ['delete:guardian_enrollments'], operation: 'Delete a multi-factor authentication enrollment' },
    schema: {
      summary: 'Delete a multi-factor authentication enrollment',
      params: EnrollmentIdParams,
      response: { 204: Type.Null(), '4xx': ManagementErrorBody },
    },
    handler: async (request, reply) => {
      const row = await findPhoneEnrollment(services, request.tenant, request.params.id);
      await services.authenticators.remove(request.tenant, row, requestContext(request));
      return reply.code(204).send(null);
    },
  });
}
