import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, PagingQuery, StrictObject, paged, pagedResponse } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { Log, LogSort, sortOrder, withTenantName } from '../logs/schemas.js';
import { pageWindow } from '../paging.js';
import { UserIdParams } from './schemas.js';

/** GET /api/v2/users/{id}/logs — the user's log events, newest first unless `sort=date:1`. */
export default function listUserLogsRoute(app: App, services: Services) {
  app.get('/users/:id/logs', {
    config: { scopes: ['read:logs', 'read:logs_users'] },
    schema: {
      summary: "Get a user's log events",
      params: UserIdParams,
      querystring: StrictObject({ ...PagingQuery, sort: Type.Optional(LogSort) }),
      response: { 200: pagedResponse('logs', Log), '4xx': ManagementErrorBody },
    },
    handler: async (request) => {
      const { tenant, query } = request;
      const window = pageWindow(query);
      const page = { offset: window.offset, limit: window.limit, order: sortOrder(query.sort) };
      const { logs, total } = await services.events.list(tenant.id, { userId: request.params.id }, page, query.include_totals === true);
      return paged('logs', logs.map(withTenantName(tenant)), window, total);
    },
  });
}
