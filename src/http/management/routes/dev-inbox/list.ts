import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { pageWindow } from '../paging.js';
import { DevInboxPage, DevInboxQuery } from './schemas.js';

/**
 * GET /api/v2/guardian/factors/phone/dev-inbox (Guardline extension) — what the built-in provider would have sent,
 * newest first, bodies (and so codes) included: that is what it is for. Its own scope, `read:dev_inbox`.
 */
export default function listDevInboxRoute(app: App, services: Services) {
  app.get('/guardian/factors/phone/dev-inbox', {
    config: { scopes: ['read:dev_inbox'] },
    schema: {
      summary: 'List the phone dev inbox (Guardline extension)',
      querystring: DevInboxQuery,
      response: { 200: DevInboxPage, '4xx': ManagementErrorBody },
    },
    handler: async (request) => {
      const { phone_number, include_totals } = request.query;
      const window = pageWindow(request.query);
      const filter = phone_number ? { phoneNumber: phone_number } : {};
      const { messages, total } = await services.devInbox.list(request.tenant, filter, window, include_totals === true);
      return { messages, start: window.offset, limit: window.limit, ...(total !== undefined ? { total } : {}) };
    },
  });
}
