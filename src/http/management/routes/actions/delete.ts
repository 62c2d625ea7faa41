import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { ActionIdParams } from './schemas.js';

/** DELETE /api/v2/actions/actions/{id}?force=true — an action a trigger runs is deleted only with force (which unbinds it). */
export default function deleteActionRoute(app: App, services: Services) {
  app.delete('/actions/actions/:id', {
    config: { scopes: ['delete:actions'], operation: 'Delete an action' },
    schema: {
      summary: 'Delete an action',
      params: ActionIdParams,
      querystring: StrictObject({ force: Type.Optional(Type.Boolean()) }),
      response: { 204: Type.Null(), '4xx': ManagementErrorBody },
    },
    handler: async (request, reply) => {
      await services.actions.catalogue.remove(request.tenant, request.params.id, request.query.force === true);
      return reply.code(204).send(null);
    },
  });
}
