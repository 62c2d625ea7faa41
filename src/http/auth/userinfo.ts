import { Type } from '@sinclair/typebox';
import { OAuthError } from '../../errors/errors.js';
import type { Services } from '../../services/index.js';
import { TokenVerificationError } from '../../services/tokens.js';
import { OAuthErrorBody } from '../schemas.js';
import type { App } from '../types.js';
import { applyCors } from './cors.js';

/** 401 with RFC 6750's challenge header; the body keeps the Authentication API's error shape. */
function unauthorized(description: string): OAuthError {
  return new OAuthError('unauthorized', description, {
    statusCode: 401,
    headers: { 'www-authenticate': `Bearer error="invalid_token", error_description="${description.replace(/"/g, "'")}"` },
  });
}

/** GET /userinfo — the claims of the Bearer token's user, for the scopes the token carries. */
export default function userinfoRoute(app: App, services: Services) {
  app.get('/userinfo', {
    // The user's profile claims: personal data, not for any cache.
    config: { noStore: true },
    schema: {
      summary: 'OpenID Connect UserInfo',
      response: { 200: Type.Object({ sub: Type.String() }, { additionalProperties: true }), '4xx': OAuthErrorBody },
    },
    handler: async (request, reply) => {
      await applyCors(request, reply, services);
      const match = /^Bearer\s+([A-Za-z0-9\-_.]+)\s*$/i.exec(request.headers.authorization ?? '');
      if (!match?.[1]) throw unauthorized('Missing or malformed Bearer token');
      let claims;
      try {
        claims = await services.authorization.userinfo(request.tenant, match[1]);
      } catch (err) {
        if (err instanceof TokenVerificationError) throw unauthorized(err.message);
        throw err;
      }
      if (!claims) throw unauthorized('The user of this token does not exist');
      return claims;
    },
  });
}
