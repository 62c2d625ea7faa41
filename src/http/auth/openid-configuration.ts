import { OAuthErrorBody } from '../schemas.js';
import { Type } from '@sinclair/typebox';
import { USER_SCOPES } from '../../services/user-tokens.js';
import type { Services } from '../../services/index.js';
import type { App } from '../types.js';
import { applyCors } from './cors.js';
import { GRANTS } from './grants/index.js';

/** GET /.well-known/openid-configuration — OpenID Provider metadata of the request's tenant. */
export default function openidConfigurationRoute(app: App, services: Services) {
  app.get('/.well-known/openid-configuration', {
    schema: {
      summary: 'OpenID Provider metadata',
      response: { 200: Type.Object({ issuer: Type.String() }, { additionalProperties: true }), '4xx': OAuthErrorBody },
    },
    handler: async (request, reply) => {
      await applyCors(request, reply, services);
      const { issuer, supportedLocales } = request.tenant;
      reply.header('cache-control', 'public, max-age=300');
      return {
        issuer,
        authorization_endpoint: `${issuer}authorize`,
        token_endpoint: `${issuer}oauth/token`,
        userinfo_endpoint: `${issuer}userinfo`,
        jwks_uri: `${issuer}.well-known/jwks.json`,
        response_types_supported: ['code'],
        response_modes_supported: ['query', 'form_post', 'web_message'],
        grant_types_supported: [...GRANTS.keys()],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
        code_challenge_methods_supported: ['S256'],
        scopes_supported: [...USER_SCOPES],
        claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nonce', 'amr', 'auth_time', 'name', 'nickname', 'picture', 'updated_at', 'email', 'email_verified'],
        ui_locales_supported: supportedLocales,
        request_uri_parameter_supported: false,
      };
    },
  });
}
