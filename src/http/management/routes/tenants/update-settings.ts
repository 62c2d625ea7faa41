import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { TenantSettings, TenantSettingsUpdateBody, tenantSettings } from './schemas.js';

/** PATCH /api/v2/tenants/settings — `enabled_locales[0]` becomes the default locale. */
export default function updateTenantSettingsRoute(app: App, services: Services) {
  app.patch('/tenants/settings', {
    config: { scopes: ['update:tenant_settings'], operation: 'Update tenant settings' },
    schema: {
      summary: 'Update tenant settings',
      body: TenantSettingsUpdateBody,
      response: { 200: TenantSettings, '4xx': ManagementErrorBody },
    },
    handler: async (request) => {
      const { friendly_name, enabled_locales } = request.body;
      const updated = await services.tenants.updateSettings(request.tenant, {
        friendlyName: friendly_name,
        ...(enabled_locales ? { defaultLocale: enabled_locales[0], supportedLocales: enabled_locales } : {}),
      });
      return tenantSettings(updated);
    },
  });
}
