import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { Action, ActionIdParams } from './schemas.js';

/** GET /api/v2/actions/actions/{id} */
export default function getActionRoute(app: App, services: Services) {
  app.get('/actions/actions/:id', {
    config: { scopes: ['read:actions'] },
    schema: { summary: 'Get an action', params: ActionIdParams, querystring: StrictObject({}), response: { 200: Action, '4xx': ManagementErrorBody } },
    handler: async (request) => services.actions.catalogue.get(request.tenant, request.params.id),
  });
}
