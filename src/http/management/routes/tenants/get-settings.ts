import type { Services } from '../../../../services/index.js';
import { FieldsQuery, ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { TenantSettings, tenantSettings } from './schemas.js';

/** GET /api/v2/tenants/settings */
export default function getTenantSettingsRoute(app: App, _services: Services) {
  app.get('/tenants/settings', {
    config: { scopes: ['read:tenant_settings'] },
    schema: {
      summary: 'Get tenant settings',
      querystring: StrictObject(FieldsQuery()),
      response: { 200: TenantSettings, '4xx': ManagementErrorBody },
    },
    // The tenant was read fresh for this request when its host was resolved.
    handler: async (request) => tenantSettings(request.tenant),
  });
}
