import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import { requestContext, type App } from '../../../types.js';
import { patchInput, Provider, ProviderIdParams, ProviderPatchBody, providerView, secretFieldsOf } from './shape.js';

/** PATCH /api/v2/branding/phone/providers/{id} — configuration fields merge into the stored ones; secrets left out are kept. */
export default function updatePhoneProviderRoute(app: App, services: Services) {
  app.patch('/branding/phone/providers/:id', {
    config: { scopes: ['update:phone_providers'], operation: 'Update a phone provider' },
    schema: {
      summary: 'Update a phone provider',
      params: ProviderIdParams,
      body: ProviderPatchBody,
      response: { 200: Provider, '4xx': ManagementErrorBody },
    },
    handler: async (request) => {
      const current = await services.providerConfigs.get(request.tenant, request.params.id);
      const view = await services.providerConfigs.update(request.tenant, current.id, patchInput(current, request.body), requestContext(request));
      return providerView(request.tenant, view, secretFieldsOf(services.registry, view.provider), (await services.providerConfigs.list(request.tenant)).length);
    },
  });
}
