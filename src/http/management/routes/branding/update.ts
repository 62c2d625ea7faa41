import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { Branding, BrandingPatch } from './schemas.js';

/** PATCH /api/v2/branding — returns the whole object after the change. */
export default function updateBrandingRoute(app: App, services: Services) {
  app.patch('/branding', {
    config: { scopes: ['update:branding'], operation: 'Update branding settings' },
    schema: {
      summary: 'Update branding settings',
      body: BrandingPatch,
      response: { 200: Branding, '4xx': ManagementErrorBody },
    },
    handler: async (request) => services.branding.update(request.tenant, request.body),
  });
}
