import type { FastifyInstance, RouteOptions } from 'fastify';
import { needsNoStore, sensitiveFields } from './no-store.js';

/** One registered route, as the route table in the docs and the contract test see it. */
export interface RouteRecord {
  method: string;
  url: string;
  summary: string | undefined;
  scopes: readonly string[] | undefined;
  /** Keys of the route's response schema: exact statuses (`200`), classes (`4xx`) or `default`. */
  declaredStatuses: string[];
  /** Top-level properties its body schema names (empty for routes without a body or with a free-form one). */
  bodyFields: string[];
  /** The query parameters its querystring schema names. */
  queryFields: string[];
  /** Sensitive properties its response schema names (see no-store.ts). */
  sensitiveFields: string[];
  /** Whether every answer carries `Cache-Control: no-store`. */
  noStore: boolean;
}

/** Collects every route registered after this call (HEAD twins that Fastify adds are skipped). */
export function recordRoutes(app: FastifyInstance, into: RouteRecord[]): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      const schema = route.schema as { summary?: string; body?: { properties?: object }; querystring?: { properties?: object }; response?: Record<string, unknown> } | undefined;
      into.push({
        method,
        url: route.url,
        summary: schema?.summary,
        scopes: (route.config as { scopes?: readonly string[] } | undefined)?.scopes,
        declaredStatuses: Object.keys(schema?.response ?? {}),
        bodyFields: Object.keys(schema?.body?.properties ?? {}),
        queryFields: Object.keys(schema?.querystring?.properties ?? {}),
        sensitiveFields: sensitiveFields(schema?.response),
        noStore: needsNoStore(route),
      });
    }
  });
}

export function isDeclaredStatus(status: number, declared: readonly string[]): boolean {
  return declared.includes(String(status)) || declared.includes(`${String(status)[0]}xx`) || declared.includes('default');
}

/**
 * Test-mode guard (style: "declared statuses are enforced"): a route that answers with a status its schema
 * does not declare gets a 500 naming the mistake, so the test that hit it fails. 5xx answers are the error
 * path and always allowed; routes without a response schema (HTML pages) are not checked.
 */
export function enforceDeclaredStatuses(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const response = (request.routeOptions.schema as { response?: Record<string, unknown> } | undefined)?.response;
    if (!response || reply.statusCode >= 500 || request.is404) return payload;
    const declared = Object.keys(response);
    if (isDeclaredStatus(reply.statusCode, declared)) return payload;
    const message = `undeclared status ${reply.statusCode} from ${request.method} ${request.routeOptions.url} (declared: ${declared.join(', ')})`;
    request.log.error(message);
    reply.code(500).header('content-type', 'application/json');
    return JSON.stringify({ statusCode: 500, error: 'Internal Server Error', message, errorCode: 'undeclared_status' });
  });
}
