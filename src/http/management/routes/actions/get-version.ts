import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { ActionVersion, VersionParams } from './schemas.js';

/** GET /api/v2/actions/actions/{actionId}/versions/{id} */
export default function getActionVersionRoute(app: App, services: Services) {
  app.get('/actions/actions/:actionId/versions/:id', {
    config: { scopes: ['read:actions'] },
    schema: { summary: 'Get an action version', params: VersionParams, querystring: StrictObject({}), response: { 200: ActionVersion, '4xx': ManagementErrorBody } },
    handler: async (request) => services.actions.catalogue.version(request.tenant, request.params.actionId, request.params.id),
  });
}
