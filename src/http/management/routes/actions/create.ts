import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { Action, ActionBody } from './schemas.js';

/** POST /api/v2/actions/actions — Auth0's create; `deploy: true` deploys at once. */
export default function createActionRoute(app: App, services: Services) {
  app.post('/actions/actions', {
    config: { scopes: ['create:actions'], operation: 'Create an action' },
    schema: { summary: 'Create an action', body: ActionBody, response: { 201: Action, '4xx': ManagementErrorBody } },
    handler: async (request, reply) => {
      const { deploy, ...input } = request.body;
      const { catalogue } = services.actions;
      const created = await catalogue.create(request.tenant, input);
      if (deploy) await catalogue.deploy(request.tenant, created.id);
      return reply.code(201).send(deploy ? await catalogue.get(request.tenant, created.id) : created);
    },
  });
}
