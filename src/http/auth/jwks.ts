import { OAuthErrorBody } from '../schemas.js';
import { Type } from '@sinclair/typebox';
import type { Services } from '../../services/index.js';
import type { App } from '../types.js';
import { applyCors } from './cors.js';

/** GET /.well-known/jwks.json — the tenant's public signing keys (current, next and previous). */
export default function jwksRoute(app: App, services: Services) {
  app.get('/.well-known/jwks.json', {
    schema: {
      summary: 'JSON Web Key Set',
      response: { 200: Type.Object({ keys: Type.Array(Type.Record(Type.String(), Type.Unknown())) }), '4xx': OAuthErrorBody },
    },
    handler: async (request, reply) => {
      await applyCors(request, reply, services);
      reply.header('cache-control', 'public, max-age=300');
      return services.signingKeys.jwks(request.tenant.id);
    },
  });
}
