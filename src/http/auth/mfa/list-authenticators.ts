import { Type } from '@sinclair/typebox';
import type { Services } from '../../../services/index.js';
import { OAuthErrorBody } from '../../schemas.js';
import type { App } from '../../types.js';
import { mfaCaller } from './request.js';

export const MfaAuthenticator = Type.Object({
  id: Type.String(),
  authenticator_type: Type.Union([Type.Literal('oob'), Type.Literal('recovery-code')]),
  active: Type.Boolean(),
  oob_channel: Type.Optional(Type.Union([Type.Literal('sms'), Type.Literal('voice')])),
  name: Type.Optional(Type.String()),
});

/** GET /mfa/authenticators — with the mfa_token, or an MFA API access token with `read:authenticators`. */
export default function listAuthenticatorsRoute(app: App, services: Services) {
  app.get('/mfa/authenticators', {
    schema: {
      summary: 'List the user’s authenticators',
      response: { 200: Type.Array(MfaAuthenticator), '4xx': OAuthErrorBody },
    },
    handler: async (request, reply) => {
      const caller = await mfaCaller(services, request);
      reply.header('cache-control', 'no-store');
      return services.mfaApi.listAuthenticators(request.tenant, caller);
    },
  });
}
