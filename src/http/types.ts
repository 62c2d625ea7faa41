import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyRequest,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { Services } from '../services/index.js';
import type { RequestContext } from '../services/context.js';
import type { Tenant } from '../services/tenants.js';

/** The Fastify instance every surface plugin and route module receives: typed by TypeBox schemas. */
export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** The caller of a Management API request, from its verified access token. */
export interface ManagementCaller {
  sub: string;
  clientId: string | undefined;
  scopes: string[];
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The tenant this request is for (resolved from Host by each surface before anything else). */
    tenant: Tenant;
    managementCaller: ManagementCaller | undefined;
  }
  interface FastifyContextConfig {
    /** Management API: the caller needs any one of these scopes. */
    scopes?: readonly string[];
    /** Management API: Auth0's description of the operation, written to `sapi`/`fapi` log entries. */
    operation?: string;
  }
}

export interface SurfaceOptions {
  services: Services;
}

/** The request facts the event log records; `hostname` is Fastify's (port removed, IPv6 brackets kept). */
export function requestContext(request: FastifyRequest): RequestContext {
  const ua = request.headers['user-agent'];
  return {
    ip: request.ip,
    ...(typeof ua === 'string' ? { userAgent: ua } : {}),
    ...(request.hostname ? { hostname: request.hostname } : {}),
  };
}
