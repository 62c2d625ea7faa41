import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { ActionVersion, Paging, VersionsParams } from './schemas.js';
import { pageWindow } from '../paging.js';

/** GET /api/v2/actions/actions/{actionId}/versions — newest first. */
export default function listActionVersionsRoute(app: App, services: Services) {
  app.get('/actions/actions/:actionId/versions', {
    config: { scopes: ['read:actions'] },
    schema: {
      summary: "List an action's versions",
      params: VersionsParams,
      querystring: StrictObject({ ...Paging }),
      response: { 200: Type.Object({ versions: Type.Array(ActionVersion), total: Type.Integer(), page: Type.Integer(), per_page: Type.Integer() }), '4xx': ManagementErrorBody },
    },
    handler: async (request) => {
      const window = pageWindow(request.query);
      const { versions, total } = await services.actions.catalogue.versions(request.tenant, request.params.actionId, window);
      return { versions, total, page: window.page, per_page: window.perPage };
    },
  });
}
