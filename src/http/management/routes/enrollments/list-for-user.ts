import { Type } from '@sinclair/typebox';
import { enrollmentView } from '../../../../services/authenticators.js';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { UserIdParams } from '../users/schemas.js';
import { Enrollment } from './schemas.js';

/** GET /api/v2/users/{id}/enrollments — the user's confirmed phone enrollment (Auth0: "the first confirmed"), as an array. */
export default function listUserEnrollmentsRoute(app: App, services: Services) {
  app.get('/users/:id/enrollments', {
    config: { scopes: ['read:users'] },
    schema: {
      summary: "Get a user's Guardian enrollments",
      params: UserIdParams,
      response: { 200: Type.Array(Enrollment), '4xx': ManagementErrorBody },
    },
    handler: async (request) => {
      await services.users.get(request.tenant, request.params.id);
      const rows = await services.authenticators.listForUser(request.tenant, request.params.id);
      return rows.filter((r) => r.type === 'phone' && r.status === 'confirmed').map(enrollmentView);
    },
  });
}
