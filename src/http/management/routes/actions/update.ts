import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { Action, ActionIdParams, ActionPatchBody } from './schemas.js';

/** PATCH /api/v2/actions/actions/{id} — changes the draft; `secrets` replaces the set (an entry without a value keeps it). */
export default function updateActionRoute(app: App, services: Services) {
  app.patch('/actions/actions/:id', {
    config: { scopes: ['update:actions'], operation: 'Update an action' },
    schema: { summary: 'Update an action', params: ActionIdParams, body: ActionPatchBody, response: { 200: Action, '4xx': ManagementErrorBody } },
    handler: async (request) => services.actions.catalogue.update(request.tenant, request.params.id, request.body),
  });
}
