import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';

/** DELETE /api/v2/guardian/factors/phone/dev-inbox (Guardline extension) — empties the tenant's dev inbox. */
export default function clearDevInboxRoute(app: App, services: Services) {
  app.delete('/guardian/factors/phone/dev-inbox', {
    config: { scopes: ['delete:dev_inbox'], operation: 'Clear the phone dev inbox' },
    schema: {
      summary: 'Clear the phone dev inbox (Guardline extension)',
      response: { 204: Type.Null(), '4xx': ManagementErrorBody },
    },
    handler: async (request, reply) => {
      await services.devInbox.clear(request.tenant);
      return reply.code(204).send(null);
    },
  });
}
