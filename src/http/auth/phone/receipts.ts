import { Type } from '@sinclair/typebox';
import { OAuthError } from '../../../errors/errors.js';
import type { Services } from '../../../services/index.js';
import { OAuthErrorBody } from '../../schemas.js';
import type { App } from '../../types.js';

/**
 * POST /phone/receipts/{providerConfigId} — a provider's delivery receipt (status callback), on the tenant's own
 * host. The provider's `parseReceipt` checks it (signatures cover the public URL, built from the tenant's issuer and
 * never from Host or X-Forwarded-*); an unauthenticated call answers 403 and changes nothing.
 */
export default function phoneReceiptsRoute(app: App, services: Services) {
  app.post('/phone/receipts/:providerConfigId', {
    schema: {
      summary: 'Delivery receipt from a phone provider (Guardline extension)',
      params: Type.Object({ providerConfigId: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
      body: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
      response: { 204: Type.Null(), '4xx': OAuthErrorBody },
    },
    handler: async (request, reply) => {
      const { providerConfigId } = request.params;
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
      const url = `${request.tenant.issuer}phone/receipts/${encodeURIComponent(providerConfigId)}${query}`;
      const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]));
      const result = await services.deliveries.applyReceipt(request.tenant, providerConfigId, { url, headers, body: (request.body as Record<string, unknown> | undefined) ?? {} });
      if (result.ok) return reply.code(204).send(null);
      switch (result.reason) {
        case 'unauthenticated':
          throw new OAuthError('access_denied', result.message, { statusCode: 403 });
        case 'malformed':
          throw new OAuthError('invalid_request', result.message);
        default:
          throw new OAuthError('invalid_request', result.message, { statusCode: 404 });
      }
    },
  });
}
