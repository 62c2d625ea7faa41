import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { Execution } from './schemas.js';

/** GET /api/v2/actions/executions/{id} — one run, with its captured console output (Guardline extension). */
export default function getActionExecutionRoute(app: App, services: Services) {
  app.get('/actions/executions/:id', {
    config: { scopes: ['read:actions'] },
    schema: { summary: 'Get an action execution', params: StrictObject({ id: Type.String({ minLength: 1, maxLength: 64 }) }), querystring: StrictObject({}), response: { 200: Execution, '4xx': ManagementErrorBody } },
    handler: async (request) => services.actions.executions.get(request.tenant, request.params.id),
  });
}
