import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { Provider, ProviderIdParams, providerView, secretFieldsOf } from './shape.js';

/** GET /api/v2/branding/phone/providers/{id} */
export default function getPhoneProviderRoute(app: App, services: Services) {
  app.get('/branding/phone/providers/:id', {
    config: { scopes: ['read:phone_providers'] },
    schema: {
      summary: 'Get a phone provider',
      params: ProviderIdParams,
      querystring: StrictObject({}),
      response: { 200: Provider, '4xx': ManagementErrorBody },
    },
    handler: async (request) => {
      const view = await services.providerConfigs.get(request.tenant, request.params.id);
      return providerView(request.tenant, view, secretFieldsOf(services.registry, view.provider), (await services.providerConfigs.list(request.tenant)).length);
    },
  });
}
