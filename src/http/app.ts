import formbody from '@fastify/formbody';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyServerOptions } from 'fastify';
import type { Services } from '../services/index.js';
import { exportFilesSurface } from './export-files-route.js';
import { authSurface } from './auth/plugin.js';
import { rejectAmbiguousHost } from './host-header.js';
import { managementSurface } from './management/plugin.js';
import { measureRequests, metricsSurface } from './metrics-route.js';
import { sendNoStoreWhereSensitive } from './no-store.js';
import { enforceDeclaredStatuses, recordRoutes, type RouteRecord } from './route-contract.js';
import type { App } from './types.js';
import { rejectDeepNesting, rejectNulCharacters, validatorCompiler } from './validation.js';

export interface BuildAppOptions {
  services: Services;
  /** A pino logger; without one the app logs nothing (tests). */
  logger?: FastifyServerOptions['loggerInstance'];
  https?: { cert: Buffer; key: Buffer };
  /** Trust X-Forwarded-* from a proxy in front of Guardline (`true`, or a comma-separated list of proxy addresses/CIDRs). */
  trustProxy?: boolean | string;
  /** Tests: answer 500 when a route sends a status its response schema does not declare. */
  enforceDeclaredStatuses?: boolean;
  /** Receives a record of every route (the docs generator and the contract test use it). */
  routeRecords?: RouteRecord[];
  /** `GUARDLINE_METRICS_TOKEN`: the Bearer token `GET /metrics` requires; without one, loopback peers only. */
  metricsToken?: string | undefined;
}

/** Largest request body accepted on any route: Auth0's bodies are small; anything larger is refused with 413. */
export const BODY_LIMIT_BYTES = 64 * 1024;

/** Paths whose query strings must never reach a log line. */
const redactQuery = (url: string) => url.split('?')[0] ?? url;

/**
 * Builds the HTTP application without listening, so tests use `app.inject` and the CLI calls `listen`.
 * Each surface is an encapsulated plugin with its own tenant check, authentication and error shape.
 */
export async function buildApp(options: BuildAppOptions): Promise<App> {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    bodyLimit: BODY_LIMIT_BYTES,
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: options.trustProxy ?? false,
    ...(options.https ? { https: options.https } : {}),
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;

  app.setValidatorCompiler(validatorCompiler);
  // Before any surface reads Host to choose the tenant.
  app.addHook('onRequest', rejectAmbiguousHost);
  // Depth first: the NUL scan below walks the body too.
  app.addHook('preValidation', rejectDeepNesting);
  app.addHook('preValidation', rejectNulCharacters);
  sendNoStoreWhereSensitive(app);
  if (options.routeRecords) recordRoutes(app, options.routeRecords);
  if (options.enforceDeclaredStatuses) enforceDeclaredStatuses(app);
  app.decorateRequest('tenant');
  app.decorateRequest('managementCaller');
  await app.register(formbody, { bodyLimit: BODY_LIMIT_BYTES });

  // One structured line per request: no query string, no body, no headers, so no secret can reach it.
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        path: redactQuery(request.url),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
        tenant: request.tenant?.name,
        req_id: request.id,
      },
      'request',
    );
  });

  measureRequests(app, options.services.metrics);
  // At the root, not in a surface: no tenant is resolved from Host for it.
  await app.register(metricsSurface, { metrics: options.services.metrics, token: options.metricsToken });
  await app.register(exportFilesSurface, { userJobs: options.services.userJobs });
  await app.register(managementSurface, { prefix: '/api/v2', services: options.services });
  await app.register(authSurface, { services: options.services });
  return app;
}
