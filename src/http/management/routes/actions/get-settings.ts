import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { Settings } from './schemas.js';

/** GET /api/v2/actions/settings — the tenant's fetch allow-list (Guardline extension). */
export default function getActionSettingsRoute(app: App, services: Services) {
  app.get('/actions/settings', {
    config: { scopes: ['read:actions'] },
    schema: { summary: 'Get the action settings (Guardline extension)', querystring: StrictObject({}), response: { 200: Settings, '4xx': ManagementErrorBody } },
    handler: async (request) => services.actions.settings.get(request.tenant),
  });
}
