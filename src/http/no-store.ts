import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';

/**
 * Response properties that carry a credential, a one-time code, or a link that works as one. A route whose
 * response schema names any of them, at any depth and for any status, answers every request with
 * `Cache-Control: no-store`, so no browser, proxy or CDN keeps a copy. The list is by name so that a new route
 * returning one of these is covered without anyone remembering to ask; add a name here when a new kind of
 * secret appears. A field whose name does not say it (the dev inbox's message `body`, which holds the code) is
 * marked in its schema with `{ [SENSITIVE]: true }`, and a route with nothing in its schema to show (the
 * `/userinfo` claims) sets `config: { noStore: true }`.
 */
export const SENSITIVE_RESPONSE_FIELDS: readonly string[] = [
  'access_token',
  'id_token',
  'refresh_token',
  'mfa_token',
  'client_secret',
  'oob_code',
  'binding_code',
  'recovery_code',
  'recovery_codes',
  'ticket_url',
  'auth_token',
  'secret',
];

/** Schema option marking a property as sensitive whatever its name. */
export const SENSITIVE = 'x-guardline-sensitive';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Answer with `Cache-Control: no-store` although the response schema names no sensitive field. */
    noStore?: boolean;
  }
}

type SchemaNode = Record<string, unknown>;
const isNode = (value: unknown): value is SchemaNode => value !== null && typeof value === 'object';

/** The sensitive property names in a route's response schemas (static code, so a plain recursive walk). */
export function sensitiveFields(response: unknown): string[] {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!isNode(node)) return;
    if (isNode(node.properties)) {
      for (const [name, property] of Object.entries(node.properties)) {
        if (SENSITIVE_RESPONSE_FIELDS.includes(name) || (isNode(property) && property[SENSITIVE] === true)) found.add(name);
      }
    }
    for (const key of ['properties', 'patternProperties', 'items', 'additionalProperties', 'anyOf', 'oneOf', 'allOf'] as const) {
      const inner = node[key];
      if (key === 'properties' || key === 'patternProperties') {
        if (isNode(inner)) Object.values(inner).forEach(visit);
      } else visit(inner);
    }
  };
  if (isNode(response)) Object.values(response).forEach(visit);
  return [...found].sort();
}

/** Whether a route must answer with no-store: its config says so, or its response schema names a secret. */
export function needsNoStore(route: Pick<RouteOptions, 'schema' | 'config'>): boolean {
  const config = route.config as { noStore?: boolean } | undefined;
  return config?.noStore === true || sensitiveFields((route.schema as { response?: unknown } | undefined)?.response).length > 0;
}

async function setNoStore(_request: FastifyRequest, reply: FastifyReply, payload: unknown) {
  reply.header('cache-control', 'no-store');
  return payload;
}

/**
 * Gives every route that needs it (see needsNoStore) an onSend hook of its own setting `Cache-Control: no-store`
 * on each of its answers, success or error. Decided once, when the route is registered.
 */
export function sendNoStoreWhereSensitive(app: FastifyInstance): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    if (!needsNoStore(route)) return;
    const existing = route.onSend === undefined ? [] : Array.isArray(route.onSend) ? route.onSend : [route.onSend];
    route.onSend = [...existing, setNoStore];
  });
}
