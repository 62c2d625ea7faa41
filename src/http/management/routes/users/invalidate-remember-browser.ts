import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { UserIdParams } from './schemas.js';

/** POST /api/v2/users/{id}/multifactor/actions/invalidate-remember-browser — every remembered browser asks again. */
export default function invalidateRememberBrowserRoute(app: App, services: Services) {
  app.post('/users/:id/multifactor/actions/invalidate-remember-browser', {
    config: { scopes: ['update:users'], operation: 'Invalidate All Remembered Browsers for Multi-factor Authentication' },
    schema: {
      summary: "Invalidate all of a user's remembered browsers for MFA",
      params: UserIdParams,
      response: { 204: Type.Null(), '4xx': ManagementErrorBody },
    },
    handler: async (request, reply) => {
      await services.users.get(request.tenant, request.params.id);
      await services.rememberedBrowsers.forgetUser(request.tenant, request.params.id);
      return reply.code(204).send(null);
    },
  });
}
