import type { FastifyReply, FastifyRequest } from 'fastify';

/** The keys of Auth0's paged and checkpoint envelopes: everything else in such an object is the list. */
const ENVELOPE_KEYS = new Set(['start', 'limit', 'length', 'total', 'next', 'page', 'per_page']);

type Json = Record<string, unknown>;

/**
 * Auth0's `fields` / `include_fields`, for every Management route that declares them (`FieldsQuery`): applied to
 * the serialised answer, after the response schema has checked it, so that routes and services stay unaware of it.
 * A list (bare, paged or checkpoint) has each entry projected; a single resource is projected itself.
 */
export async function selectFields(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
  const query = request.query as { fields?: unknown; include_fields?: unknown } | undefined;
  if (request.method !== 'GET' || typeof query?.fields !== 'string' || reply.statusCode !== 200 || typeof payload !== 'string') return payload;
  const names = new Set(query.fields.split(','));
  const include = query.include_fields !== false;
  const project = (entry: unknown): unknown => {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return entry;
    return Object.fromEntries(Object.entries(entry).filter(([key]) => names.has(key) === include));
  };
  const body = JSON.parse(payload) as unknown;
  return JSON.stringify(Array.isArray(body) ? body.map(project) : projectEnvelope(body as Json, project));
}

function projectEnvelope(body: Json, project: (entry: unknown) => unknown): unknown {
  const lists = Object.entries(body).filter(([key, value]) => !ENVELOPE_KEYS.has(key) && Array.isArray(value));
  const isEnvelope = lists.length === 1 && Object.keys(body).every((key) => ENVELOPE_KEYS.has(key) || key === lists[0]![0]);
  if (!isEnvelope) return project(body);
  const [key, items] = lists[0]!;
  return { ...body, [key]: (items as unknown[]).map(project) };
}
