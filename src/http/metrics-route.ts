import { createHash, timingSafeEqual } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import ipaddr from 'ipaddr.js';
import type { Metrics } from '../metrics/index.js';
import { UNMATCHED_ROUTE } from '../metrics/index.js';
import type { ManagementErrorCode } from '../errors/catalogue.js';
import { managementErrorHandler } from './management/error-handler.js';
import { ManagementErrorBody } from './schemas.js';
import type { App } from './types.js';

/**
 * `GET /metrics`: the Prometheus exposition of this instance (docs/metrics.md), on the main port and outside every
 * tenant surface (no Host-to-tenant resolution). With `GUARDLINE_METRICS_TOKEN` the scraper must send it as a
 * Bearer token; without one only a loopback TCP peer is answered. The peer is the socket's address, never
 * `X-Forwarded-For`: behind a proxy every request would otherwise claim to come from wherever the client says.
 */

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Constant-time: both sides are hashed to equal-length digests first, so not even the length leaks. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = header === undefined ? null : /^Bearer +(\S+) *$/i.exec(header);
  return timingSafeEqual(sha256(match?.[1] ?? ''), sha256(token)) && match !== null;
}

/** 127.0.0.0/8, ::1, and IPv4-mapped loopback (`::ffff:127.0.0.1`, what a dual-stack socket reports). */
export function isLoopback(address: string | undefined): boolean {
  if (!address || !ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'loopback';
}

const errorBody = (statusCode: number, error: string, message: string, errorCode: ManagementErrorCode) => ({ statusCode, error, message, errorCode });

async function guard(token: string | undefined, request: FastifyRequest, reply: FastifyReply) {
  if (token !== undefined) {
    if (bearerMatches(request.headers.authorization, token)) return;
    return reply
      .code(401)
      .header('www-authenticate', 'Bearer realm="metrics"')
      .send(errorBody(401, 'Unauthorized', 'GET /metrics needs the metrics token: Authorization: Bearer <GUARDLINE_METRICS_TOKEN>.', 'invalid_token'));
  }
  if (isLoopback(request.raw.socket.remoteAddress)) return;
  return reply
    .code(403)
    .send(errorBody(403, 'Forbidden', 'Without GUARDLINE_METRICS_TOKEN, /metrics answers loopback clients only: set the token to scrape from elsewhere.', 'metrics_loopback_only'));
}

/**
 * Its own encapsulated context, so that a request refused before the handler (two Host headers, a NUL in the query)
 * gets the Management API error shape its response schema declares.
 */
export const metricsSurface: FastifyPluginAsync<{ metrics: Metrics; token: string | undefined }> = async (instance, { metrics, token }) => {
  const app = instance as unknown as App;
  app.setErrorHandler(managementErrorHandler);
  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Prometheus metrics of this instance (Bearer `GUARDLINE_METRICS_TOKEN`, or loopback only without one)',
        response: {
          200: Type.String({ description: 'Prometheus text exposition format' }),
          400: ManagementErrorBody,
          401: ManagementErrorBody,
          403: ManagementErrorBody,
          404: ManagementErrorBody,
        },
      },
      preHandler: async (request, reply) => guard(token, request, reply),
    },
    async (_request, reply) => reply.header('content-type', metrics.contentType).send(await metrics.render()),
  );
};

/** Times every answered request into `guardline_http_request_duration_seconds`, labelled by route pattern. */
export function measureRequests(app: App, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.is404 ? UNMATCHED_ROUTE : (request.routeOptions.url ?? UNMATCHED_ROUTE);
    metrics.httpRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
  });
}
