import type { Services } from '../../../../services/index.js';
import type { Tenant } from '../../../../services/tenants.js';
import { enrollmentView, parseAuthenticatorId } from '../../../../services/authenticators.js';
import { NotFoundError } from '../../../../errors/errors.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { Enrollment, EnrollmentIdParams } from './schemas.js';

/** GET /api/v2/guardian/enrollments/{id} — a phone enrollment by its `dev_…` id (pending or confirmed). */
export default function getEnrollmentRoute(app: App, services: Services) {
  app.get('/guardian/enrollments/:id', {
    config: { scopes: ['read:guardian_enrollments'] },
    schema: {
      summary: 'Get a multi-factor authentication enrollment',
      params: EnrollmentIdParams,
      response: { 200: Enrollment, '4xx': ManagementErrorBody },
    },
    handler: async (request) => enrollmentView(await findPhoneEnrollment(services, request.tenant, request.params.id)),
  });
}

/** The phone behind a bare `dev_…` enrollment id, or 404 `inexistent_authenticator`. */
export async function findPhoneEnrollment(services: Services, tenant: Tenant, id: string) {
  const row = parseAuthenticatorId(id)?.kind === 'device' ? await services.authenticators.find(tenant, id) : undefined;
  if (!row || row.type !== 'phone') throw new NotFoundError('authenticator', 'Enrollment not found');
  return row;
}
