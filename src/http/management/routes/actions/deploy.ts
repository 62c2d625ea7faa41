import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { ActionIdParams, ActionVersion } from './schemas.js';

/** POST /api/v2/actions/actions/{id}/deploy — snapshots the draft as a new version and deploys it. */
export default function deployActionRoute(app: App, services: Services) {
  app.post('/actions/actions/:id/deploy', {
    config: { scopes: ['create:actions'], operation: 'Deploy an action' },
    schema: { summary: 'Deploy an action', params: ActionIdParams, response: { 200: ActionVersion, '4xx': ManagementErrorBody } },
    handler: async (request) => services.actions.catalogue.deploy(request.tenant, request.params.id),
  });
}
