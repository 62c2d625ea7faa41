import type { FastifyPluginAsync } from 'fastify';
import { ManagementError } from '../../errors/errors.js';
import { requestContext, type App, type SurfaceOptions } from '../types.js';
import { resolveTenant } from '../tenant-hook.js';
import { authenticateManagementRequest } from './authenticate.js';
import { managementErrorHandler } from './error-handler.js';
import { selectFields } from './field-selection.js';
import { coerceFormBody } from './form-bodies.js';
import { MANAGEMENT_ROUTES } from './routes/index.js';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** `/api/v2`: Auth0's Management API. Bearer JWT of the tenant, a scope check on every route, Auth0 errors. */
export const managementSurface: FastifyPluginAsync<SurfaceOptions> = async (instance, { services }) => {
  const app = instance as unknown as App;
  app.setErrorHandler(managementErrorHandler);
  // Auth0 takes JSON and form-encoded bodies only. Fastify also parses text/plain by default; without that
  // parser such a body is a clear 415 instead of a confusing schema error.
  app.removeContentTypeParser('text/plain');
  app.setNotFoundHandler((request, reply) => {
    const err = new ManagementError('not_found', `Not Found: ${request.method} ${request.url.split('?')[0]}`);
    return reply.code(404).send(err.toBody());
  });

  app.addHook('onRequest', async (request) => {
    if (!(await resolveTenant(services, request))) {
      throw new ManagementError('inexistent_tenant', 'No tenant is served at this host', 404);
    }
    if (request.is404) return;
    await authenticateManagementRequest(services, request);
  });

  app.addHook('preValidation', coerceFormBody);
  app.addHook('onSend', selectFields);

  // Every write through the Management API leaves `sapi` (success) or `fapi` (failure) in the tenant's log.
  // Bodies are never logged (they can carry passwords); only the operation, path and status.
  app.addHook('onResponse', async (request, reply) => {
    if (!WRITE_METHODS.has(request.method) || !request.tenant || !request.managementCaller || request.is404) return;
    const operation = request.routeOptions.config.operation ?? `${request.method} ${request.routeOptions.url}`;
    await services.events
      .record(
        request.tenant.id,
        {
          type: reply.statusCode < 400 ? 'sapi' : 'fapi',
          description: operation,
          clientId: request.managementCaller.clientId ?? null,
          details: {
            request: { method: request.method, path: request.url.split('?')[0] },
            response: { statusCode: reply.statusCode },
          },
        },
        requestContext(request),
      )
      .catch((err: unknown) => request.log.error({ err }, 'could not record management API log entry'));
  });

  for (const register of MANAGEMENT_ROUTES) register(app, services);
};
