import { Type } from '@sinclair/typebox';
import { OAuthError } from '../../errors/errors.js';
import type { Services } from '../../services/index.js';
import { OAuthErrorBody } from '../schemas.js';
import type { App } from '../types.js';
import { applyCors } from './cors.js';
import { GRANTS } from './grants/index.js';

/** POST /oauth/token — form-encoded or JSON, dispatched by `grant_type` to one grant module; CORS for the named client's origins. */
export default function tokenRoute(app: App, services: Services) {
  app.post('/oauth/token', {
    schema: {
      summary: 'Exchange a grant for tokens',
      // OAuth parameters are strings; unknown parameters are ignored (RFC 6749 §3.2).
      body: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()])),
      response: {
        200: Type.Object({
          access_token: Type.String(),
          token_type: Type.Literal('Bearer'),
          expires_in: Type.Integer(),
          scope: Type.Optional(Type.String()),
          id_token: Type.Optional(Type.String()),
          refresh_token: Type.Optional(Type.String()),
          recovery_code: Type.Optional(Type.String()),
        }),
        '4xx': OAuthErrorBody,
      },
    },
    handler: async (request, reply) => {
      const body = Object.fromEntries(Object.entries(request.body).map(([k, v]) => [k, String(v)]));
      // Before the grant runs, so a refusal is readable by the application too (the SDKs show its error).
      if (body.client_id !== undefined) await applyCors(request, reply, services, body.client_id);
      const grantType = body.grant_type;
      if (!grantType) throw new OAuthError('invalid_request', 'Missing required parameter: grant_type', { statusCode: 400 });
      const grant = GRANTS.get(grantType);
      if (!grant) throw new OAuthError('unsupported_grant_type', `Unsupported grant type: ${grantType}`, { statusCode: 400 });
      const tokens = await grant.handle(request, body, services);
      return reply.headers({ 'cache-control': 'no-store', pragma: 'no-cache' }).send(tokens);
    },
  });
}
