import { Type } from '@sinclair/typebox';
import type { Services } from '../../../services/index.js';
import { OAuthErrorBody } from '../../schemas.js';
import { requestContext, type App } from '../../types.js';
import { mfaCaller } from './request.js';

/** DELETE /mfa/authenticators/{id} — an sms or voice id removes the phone (both channels), as in Auth0. */
export default function deleteAuthenticatorRoute(app: App, services: Services) {
  app.delete('/mfa/authenticators/:id', {
    schema: {
      summary: 'Delete an authenticator',
      params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) }),
      response: { 204: Type.Null(), '4xx': OAuthErrorBody },
    },
    handler: async (request, reply) => {
      const caller = await mfaCaller(services, request);
      await services.mfaApi.deleteAuthenticator(request.tenant, caller, request.params.id, requestContext(request));
      return reply.code(204).send(null);
    },
  });
}
