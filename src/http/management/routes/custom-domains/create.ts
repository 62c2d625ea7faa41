import { Type } from '@sinclair/typebox';
import { customDomainId } from '../../../../domain/custom-domains.js';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody, StrictObject } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { findCustomDomain } from './find.js';
import { CustomDomain } from './schemas.js';

const CreateCustomDomainBody = StrictObject({
  domain: Type.String({ minLength: 3, maxLength: 253 }),
  type: Type.Literal('self_managed_certs', { description: 'Guardline does not issue certificates: TLS is the operator’s (a proxy, or GUARDLINE_TLS_CERT)' }),
  verification_method: Type.Optional(Type.Literal('txt')),
  tls_policy: Type.Optional(Type.Literal('recommended')),
  custom_client_ip_header: Type.Optional(Type.Null()),
});

/** POST /api/v2/custom-domains — maps one more host to this tenant; ready at once (no DNS verification step). */
export default function createCustomDomainRoute(app: App, services: Services) {
  app.post('/custom-domains', {
    config: { scopes: ['create:custom_domains'], operation: 'Create a custom domain' },
    schema: { summary: 'Configure a new custom domain', body: CreateCustomDomainBody, response: { 201: CustomDomain, '4xx': ManagementErrorBody } },
    handler: async (request, reply) => {
      await services.tenants.addCustomDomain(request.tenant.id, request.body.domain);
      return reply.code(201).send(await findCustomDomain(services, request.tenant, customDomainId(request.body.domain.toLowerCase())));
    },
  });
}
