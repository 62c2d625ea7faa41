import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { Branding } from './schemas.js';

/** GET /api/v2/branding — the tenant's branding; fields never set are left out (`{}` at first). */
export default function getBrandingRoute(app: App, services: Services) {
  app.get('/branding', {
    config: { scopes: ['read:branding'] },
    schema: {
      summary: 'Get branding settings',
      querystring: StrictObject({}),
      response: { 200: Branding, '4xx': ManagementErrorBody },
    },
    handler: async (request) => services.branding.get(request.tenant),
  });
}
