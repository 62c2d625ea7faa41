import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { ActionVersion, VersionParams } from './schemas.js';

/** POST /api/v2/actions/actions/{actionId}/versions/{id}/deploy — Auth0's rollback: that version runs again. */
export default function deployActionVersionRoute(app: App, services: Services) {
  app.post('/actions/actions/:actionId/versions/:id/deploy', {
    config: { scopes: ['create:actions'], operation: 'Roll back to an action version' },
    schema: { summary: 'Roll back to an action version', params: VersionParams, response: { 200: ActionVersion, '4xx': ManagementErrorBody } },
    handler: async (request) => services.actions.catalogue.rollback(request.tenant, request.params.actionId, request.params.id),
  });
}
