import { Type } from '@sinclair/typebox';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { findCustomDomain } from './find.js';
import { CustomDomainIdParams } from './schemas.js';

/** DELETE /api/v2/custom-domains/{id} — the host stops resolving to this tenant. */
export default function deleteCustomDomainRoute(app: App, services: Services) {
  app.delete('/custom-domains/:id', {
    config: { scopes: ['delete:custom_domains'], operation: 'Delete a custom domain' },
    schema: { summary: 'Delete custom domain configuration', params: CustomDomainIdParams, response: { 204: Type.Null(), '4xx': ManagementErrorBody } },
    handler: async (request, reply) => {
      const domain = await findCustomDomain(services, request.tenant, request.params.id);
      await services.tenants.removeCustomDomain(request.tenant.id, domain.domain);
      return reply.code(204).send(null);
    },
  });
}
