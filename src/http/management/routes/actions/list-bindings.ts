import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { Binding, Paging, TriggerParams } from './schemas.js';
import { pageWindow } from '../paging.js';

/** GET /api/v2/actions/triggers/{triggerId}/bindings */
export default function listActionBindingsRoute(app: App, services: Services) {
  app.get('/actions/triggers/:triggerId/bindings', {
    config: { scopes: ['read:actions'] },
    schema: {
      summary: "List a trigger's bindings",
      params: TriggerParams,
      querystring: StrictObject({ ...Paging }),
      response: { 200: Type.Object({ bindings: Type.Array(Binding), total: Type.Integer(), page: Type.Integer(), per_page: Type.Integer() }), '4xx': ManagementErrorBody },
    },
    handler: async (request) => {
      const window = pageWindow(request.query);
      const all = await services.actions.bindings.list(request.tenant, request.params.triggerId);
      return { bindings: all.slice(window.offset, window.offset + window.limit), total: all.length, page: window.page, per_page: window.perPage };
    },
  });
}
