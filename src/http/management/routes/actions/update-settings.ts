import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { Settings, SettingsBody } from './schemas.js';

/** PATCH /api/v2/actions/settings — `{fetch_allowed_hosts: [...] | null}` (Guardline extension). */
export default function updateActionSettingsRoute(app: App, services: Services) {
  app.patch('/actions/settings', {
    config: { scopes: ['update:actions'], operation: 'Update the action settings' },
    schema: { summary: 'Update the action settings (Guardline extension)', body: SettingsBody, response: { 200: Settings, '4xx': ManagementErrorBody } },
    handler: async (request) => services.actions.settings.update(request.tenant, request.body),
  });
}
