import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { IdentifierOnlyQuery } from './schemas.js';

/** DELETE /api/v2/user-blocks?identifier= — lifts every brute-force block of the identifier (204 also when there was none). */
export default function deleteUserBlocksRoute(app: App, services: Services) {
  app.delete('/user-blocks', {
    config: { scopes: ['update:users'], operation: 'Unblock an identifier' },
    schema: {
      summary: 'Remove the brute-force blocks of an identifier',
      querystring: IdentifierOnlyQuery,
      response: { 204: Type.Null(), '4xx': ManagementErrorBody },
    },
    handler: async (request, reply) => {
      await services.bruteForce.unblock(request.tenant, request.query.identifier);
      return reply.code(204).send(null);
    },
  });
}
