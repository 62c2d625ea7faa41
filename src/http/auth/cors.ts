import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { originAllowed } from '../../domain/web-origins.js';
import type { Services } from '../../services/index.js';
import { OAuthErrorBody } from '../schemas.js';
import type { App } from '../types.js';

/**
 * CORS for the endpoints a browser application calls directly (Auth0's SDKs): allowed only for an origin a
 * client lists in `web_origins` or `allowed_origins`. On `/oauth/token` the client is the one the body names
 * (`client_id`); on `/userinfo` and the discovery documents, and on every preflight (it has no body), any client
 * of the tenant may list it. An unlisted origin gets no `Access-Control-Allow-Origin`, so its page cannot read the
 * answer. Written by hand rather than with @fastify/cors: the decision needs the tenant and the parsed body, and
 * the preflights are ordinary documented routes here (summary, declared status) instead of a wildcard route.
 */
export const CORS_ROUTES = [
  { url: '/oauth/token', methods: 'POST' },
  { url: '/userinfo', methods: 'GET, POST' },
  { url: '/.well-known/jwks.json', methods: 'GET' },
  { url: '/.well-known/openid-configuration', methods: 'GET' },
] as const;

/** The request headers the SDKs send: their telemetry header, DPoP proofs, Bearer tokens, JSON bodies. */
const ALLOWED_HEADERS = 'Authorization, Content-Type, Auth0-Client, DPoP';
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * Adds the CORS answer for the request's `Origin` when it is allowed: by `clientId`'s origins when given, else by
 * any client of the tenant. Always `Vary: Origin`, so a cache never serves one origin's answer to another.
 */
export async function applyCors(request: FastifyRequest, reply: FastifyReply, services: Services, clientId?: string): Promise<boolean> {
  const origin = request.headers.origin;
  if (!origin) return false;
  reply.header('vary', 'Origin');
  let allowed: readonly string[];
  if (clientId !== undefined) {
    const client = await services.clients.find(request.tenant, clientId);
    allowed = client ? services.clients.corsOriginsOf(client) : [];
  } else {
    allowed = await services.clients.tenantOrigins(request.tenant);
  }
  if (!originAllowed(origin, allowed)) return false;
  reply.header('access-control-allow-origin', origin);
  return true;
}

/** `OPTIONS` for each CORS endpoint: 204, with the allow headers only for an allowed origin. */
export function corsPreflightRoutes(app: App, services: Services): void {
  for (const { url, methods } of CORS_ROUTES) {
    app.options(url, {
      schema: { summary: `CORS preflight for ${url}`, response: { 204: Type.Null(), '4xx': OAuthErrorBody } },
      handler: async (request, reply) => {
        if (await applyCors(request, reply, services)) {
          reply.headers({
            'access-control-allow-methods': methods,
            'access-control-allow-headers': ALLOWED_HEADERS,
            'access-control-max-age': String(PREFLIGHT_MAX_AGE_SECONDS),
          });
        }
        return reply.code(204).send(null);
      },
    });
  }
}
