import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { findCustomDomain } from './find.js';
import { CustomDomain, CustomDomainIdParams } from './schemas.js';

/** GET /api/v2/custom-domains/{id} */
export default function getCustomDomainRoute(app: App, services: Services) {
  app.get('/custom-domains/:id', {
    config: { scopes: ['read:custom_domains'] },
    schema: { summary: 'Get custom domain configuration', params: CustomDomainIdParams, querystring: StrictObject({}), response: { 200: CustomDomain, '4xx': ManagementErrorBody } },
    handler: async (request) => findCustomDomain(services, request.tenant, request.params.id),
  });
}
