import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { Binding, BindingsBody, TriggerParams } from './schemas.js';

/** PATCH /api/v2/actions/triggers/{triggerId}/bindings — replaces the trigger's bindings (one at most; an empty list unbinds). */
export default function updateActionBindingsRoute(app: App, services: Services) {
  app.patch('/actions/triggers/:triggerId/bindings', {
    config: { scopes: ['update:actions'], operation: "Update a trigger's bindings" },
    schema: { summary: "Update a trigger's bindings", params: TriggerParams, body: BindingsBody, response: { 200: Type.Object({ bindings: Type.Array(Binding) }), '4xx': ManagementErrorBody } },
    handler: async (request) => ({
      bindings: await services.actions.bindings.replace(
        request.tenant,
        request.params.triggerId,
        request.body.bindings.map(({ ref, display_name }) => ({ ref, ...(display_name !== undefined ? { display_name } : {}) })),
      ),
    }),
  });
}
