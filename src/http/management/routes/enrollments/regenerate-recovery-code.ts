import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import { requestContext, type App } from '../../../types.js';
import { UserIdParams } from '../users/schemas.js';
import { RecoveryCode } from './schemas.js';

/**
 * POST /api/v2/users/{id}/recovery-code-regeneration — replaces the user's recovery code and returns the new one,
 * once (only its hash is kept). 404 `inexistent_authenticator` for a user without a confirmed phone.
 */
export default function regenerateRecoveryCodeRoute(app: App, services: Services) {
  app.post('/users/:id/recovery-code-regeneration', {
    config: { scopes: ['update:users'], operation: 'Regenerate a recovery code' },
    schema: {
      summary: "Generate a new Guardian recovery code for a user",
      params: UserIdParams,
      response: { 200: RecoveryCode, '4xx': ManagementErrorBody },
    },
    handler: async (request) => {
      await services.users.get(request.tenant, request.params.id);
      return { recovery_code: await services.authenticators.resetRecoveryCode(request.tenant, request.params.id, requestContext(request)) };
    },
  });
}
