import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import { requestContext, type App } from '../../../types.js';
import { createInput, Provider, ProviderBody, providerView, secretFieldsOf } from './shape.js';

/**
 * POST /api/v2/branding/phone/providers — adds a provider to the end of the tenant's chain (or at `position`). Unlike
 * Auth0 (one provider per tenant, 409 otherwise), a tenant may have several: the failover chain. A tenant still on
 * the built-in provider switches to its configured providers (selected provider `twilio`), as Unified Phone does.
 */
export default function createPhoneProviderRoute(app: App, services: Services) {
  app.post('/branding/phone/providers', {
    config: { scopes: ['create:phone_providers'], operation: 'Create a phone provider' },
    schema: {
      summary: 'Configure a phone provider',
      body: ProviderBody,
      response: { 201: Provider, '4xx': ManagementErrorBody },
    },
    handler: async (request, reply) => {
      const context = requestContext(request);
      const view = await services.providerConfigs.create(request.tenant, createInput(request.body), context);
      const settings = await services.guardian.settings(request.tenant);
      if (settings.provider === 'auth0') await services.guardian.setProvider(request.tenant, 'twilio', context);
      return reply.code(201).send(providerView(request.tenant, view, secretFieldsOf(services.registry, view.provider), (await services.providerConfigs.list(request.tenant)).length));
    },
  });
}
