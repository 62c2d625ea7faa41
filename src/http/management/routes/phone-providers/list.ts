import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { Provider, providerView, secretFieldsOf } from './shape.js';

/** GET /api/v2/branding/phone/providers — the tenant's phone providers, in chain order (`disabled` filters). */
export default function listPhoneProvidersRoute(app: App, services: Services) {
  app.get('/branding/phone/providers', {
    config: { scopes: ['read:phone_providers'] },
    schema: {
      summary: 'List phone providers (the delivery chain, in order)',
      querystring: StrictObject({ disabled: Type.Optional(Type.Boolean()) }),
      response: { 200: Type.Object({ providers: Type.Array(Provider) }), '4xx': ManagementErrorBody },
    },
    handler: async (request) => {
      const views = await services.providerConfigs.list(request.tenant);
      const { disabled } = request.query;
      return {
        providers: views.filter((v) => disabled === undefined || v.enabled === !disabled).map((v) => providerView(request.tenant, v, secretFieldsOf(services.registry, v.provider), views.length)),
      };
    },
  });
}
