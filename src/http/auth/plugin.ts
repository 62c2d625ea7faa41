import type { FastifyPluginAsync } from 'fastify';
import { OAuthError } from '../../errors/errors.js';
import { loginSurface } from '../login/plugin.js';
import type { App, SurfaceOptions } from '../types.js';
import { resolveTenant } from '../tenant-hook.js';
import { corsPreflightRoutes } from './cors.js';
import { oauthErrorHandler } from './error-handler.js';
import jwksRoute from './jwks.js';
import associateRoute from './mfa/associate.js';
import challengeRoute from './mfa/challenge.js';
import deleteAuthenticatorRoute from './mfa/delete-authenticator.js';
import listAuthenticatorsRoute from './mfa/list-authenticators.js';
import openidConfigurationRoute from './openid-configuration.js';
import phoneReceiptsRoute from './phone/receipts.js';
import tokenRoute from './token.js';
import userinfoRoute from './userinfo.js';

/** `/oauth/token`, `/userinfo`, `/.well-known/*`, the MFA API `/mfa/*` (OAuth error shape), and the login pages inside it (HTML). */
export const authSurface: FastifyPluginAsync<SurfaceOptions> = async (instance, { services }) => {
  const app = instance as unknown as App;
  app.setErrorHandler(oauthErrorHandler);
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: 'not_found', error_description: `Not Found: ${request.method} ${request.url.split('?')[0]}` }),
  );
  app.addHook('onRequest', async (request) => {
    if (!(await resolveTenant(services, request))) {
      throw new OAuthError('invalid_request', 'No tenant is served at this host', { statusCode: 404 });
    }
  });
  corsPreflightRoutes(app, services);
  tokenRoute(app, services);
  userinfoRoute(app, services);
  openidConfigurationRoute(app, services);
  jwksRoute(app, services);
  listAuthenticatorsRoute(app, services);
  associateRoute(app, services);
  challengeRoute(app, services);
  deleteAuthenticatorRoute(app, services);
  phoneReceiptsRoute(app, services);
  await app.register(loginSurface, { services });
};
