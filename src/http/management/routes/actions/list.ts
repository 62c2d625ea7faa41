import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { Action, Paging } from './schemas.js';
import { pageWindow } from '../paging.js';

/** GET /api/v2/actions/actions — `{actions, total, page, per_page}`, filtered by trigger, name or deployment. */
export default function listActionsRoute(app: App, services: Services) {
  app.get('/actions/actions', {
    config: { scopes: ['read:actions'] },
    schema: {
      summary: 'List actions',
      querystring: StrictObject({
        triggerId: Type.Optional(Type.String({ maxLength: 64 })),
        actionName: Type.Optional(Type.String({ maxLength: 100 })),
        deployed: Type.Optional(Type.Boolean()),
        installed: Type.Optional(Type.Boolean({ description: 'Marketplace integrations: Guardline has none, so installed=true lists nothing' })),
        ...Paging,
      }),
      response: { 200: Type.Object({ actions: Type.Array(Action), total: Type.Integer(), page: Type.Integer(), per_page: Type.Integer() }), '4xx': ManagementErrorBody },
    },
    handler: async (request) => {
      const { triggerId, actionName, deployed, installed } = request.query;
      const window = pageWindow(request.query);
      if (installed === true) return { actions: [], total: 0, page: window.page, per_page: window.perPage };
      const filter = { ...(triggerId !== undefined ? { triggerId } : {}), ...(actionName !== undefined ? { actionName } : {}), ...(deployed !== undefined ? { deployed } : {}) };
      const { actions, total } = await services.actions.catalogue.list(request.tenant, filter, window);
      return { actions, total, page: window.page, per_page: window.perPage };
    },
  });
}
