import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { UserIdParams } from '../users/schemas.js';
import { ConsiderQuery, UserBlocks } from './schemas.js';

/** GET /api/v2/user-blocks/{id} — the active brute-force blocks of the user's email and username. */
export default function listUserBlocksForUserRoute(app: App, services: Services) {
  app.get('/user-blocks/:id', {
    config: { scopes: ['read:users'] },
    schema: {
      summary: "Get the brute-force blocks of a user's identifiers",
      params: UserIdParams,
      querystring: ConsiderQuery,
      response: { 200: UserBlocks, '4xx': ManagementErrorBody },
    },
    handler: async (request) => ({
      blocked_for: await services.bruteForce.listBlocksOfUser(request.tenant, request.params.id, { considerEnablement: request.query.consider_brute_force_enablement }),
    }),
  });
}
