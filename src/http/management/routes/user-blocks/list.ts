import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { IdentifierQuery, UserBlocks } from './schemas.js';

/** GET /api/v2/user-blocks?identifier= — the active brute-force blocks of one login identifier. */
export default function listUserBlocksRoute(app: App, services: Services) {
  app.get('/user-blocks', {
    config: { scopes: ['read:users'] },
    schema: {
      summary: 'Get the brute-force blocks of an identifier',
      querystring: IdentifierQuery,
      response: { 200: UserBlocks, '4xx': ManagementErrorBody },
    },
    handler: async (request) => {
      const { identifier, consider_brute_force_enablement } = request.query;
      return { blocked_for: await services.bruteForce.listBlocks(request.tenant, identifier, { considerEnablement: consider_brute_force_enablement }) };
    },
  });
}
