import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { findCustomDomain } from './find.js';
import { CustomDomain, CustomDomainIdParams, CustomDomainPatch } from './schemas.js';

/** PATCH /api/v2/custom-domains/{id} — only the values Guardline has (see the schema), so nothing is stored. */
export default function updateCustomDomainRoute(app: App, services: Services) {
  app.patch('/custom-domains/:id', {
    config: { scopes: ['update:custom_domains'], operation: 'Update a custom domain' },
    schema: { summary: 'Update custom domain configuration', params: CustomDomainIdParams, body: CustomDomainPatch, response: { 200: CustomDomain, '4xx': ManagementErrorBody } },
    handler: async (request) => findCustomDomain(services, request.tenant, request.params.id),
  });
}
