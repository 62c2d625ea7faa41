import type { FastifyRequest } from 'fastify';
import { coercingValidator } from '../validation.js';

/**
 * Auth0 accepts every Management API body as JSON or as `application/x-www-form-urlencoded`. A form carries
 * only strings, so before the strict body validation runs, a form body is coerced in place against the route's
 * own body schema (`"true"` → true, `"5"` → 5, one `scope=` → `["…"]`). JSON bodies are never coerced: a JSON
 * client that sends a string where a boolean belongs gets its 400.
 */
export async function coerceFormBody(request: FastifyRequest): Promise<void> {
  const contentType = request.headers['content-type'] ?? '';
  if (!contentType.startsWith('application/x-www-form-urlencoded')) return;
  const schema = request.routeOptions.schema?.body;
  if (!schema || typeof request.body !== 'object' || request.body === null) return;
  // A validation failure here is left for the strict validator, which reports it in Auth0's shape.
  coercingValidator(schema as object)(request.body);
}
