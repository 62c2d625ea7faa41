import { Type } from '@sinclair/typebox';
import { customDomainViews } from '../../../../domain/custom-domains.js';
import type { Services } from '../../../../services/index.js';
import { FieldsQuery, ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { CustomDomain } from './schemas.js';

/** GET /api/v2/custom-domains — the hosts this tenant is also served at (Auth0 lists them unpaged). */
export default function listCustomDomainsRoute(app: App, services: Services) {
  app.get('/custom-domains', {
    config: { scopes: ['read:custom_domains'] },
    schema: {
      summary: 'Get custom domains configurations',
      querystring: StrictObject({ ...FieldsQuery(), q: Type.Optional(Type.String({ maxLength: 256, description: 'Accepted and ignored: a tenant has a handful' })), sort: Type.Optional(Type.String({ maxLength: 64 })) }),
      response: { 200: Type.Array(CustomDomain), '4xx': ManagementErrorBody },
    },
    handler: async (request) => customDomainViews(await services.tenants.listCustomDomains(request.tenant.id)),
  });
}
