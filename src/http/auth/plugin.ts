import type { FastifyPluginAsync } from 'fastify';
import { OAuthError } from '../../errors/errors.js';
import type { App, SurfaceOptions } from '../types.js';
import { resolveTenant } from '../tenant-hook.js';
import { oauthErrorHandler } from './error-handler.js';
import tokenRoute from './token.js';

/** `/oauth/token`, `/authorize`, `/u/login`, `/.well-known/*`: the Authentication API (OAuth error shape). */
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
  tokenRoute(app, services);
};
