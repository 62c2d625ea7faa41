import type { FastifyRequest } from 'fastify';
import { OAuthError } from '../../errors/errors.js';
import type { Services } from '../../services/index.js';
import type { ClientRow } from '../../store/repositories/clients.js';

export interface ClientCredentials {
  clientId: string | undefined;
  clientSecret: string | undefined;
}

/** RFC 6749 §2.3.1 form-encodes both halves of the Basic credentials; a bad escape is the caller's error, not a 500. */
function decodeFormPart(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new OAuthError('invalid_client', 'Malformed Basic authorization header');
  }
}

/** client_secret_basic (Authorization: Basic) or client_secret_post (body); never both. */
export function readClientCredentials(request: FastifyRequest, body: Record<string, unknown>): ClientCredentials {
  const header = request.headers.authorization;
  const bodyId = typeof body.client_id === 'string' ? body.client_id : undefined;
  const bodySecret = typeof body.client_secret === 'string' ? body.client_secret : undefined;
  if (header && /^Basic\s/i.test(header)) {
    if (bodySecret !== undefined) throw new OAuthError('invalid_request', 'Use only one client authentication method', { statusCode: 400 });
    const decoded = Buffer.from(header.replace(/^Basic\s+/i, ''), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new OAuthError('invalid_client', 'Malformed Basic authorization header');
    const id = decodeFormPart(decoded.slice(0, colon));
    if (bodyId !== undefined && bodyId !== id) throw new OAuthError('invalid_request', 'client_id does not match the Authorization header', { statusCode: 400 });
    return { clientId: id, clientSecret: decodeFormPart(decoded.slice(colon + 1)) };
  }
  return { clientId: bodyId, clientSecret: bodySecret };
}

/**
 * Authenticates the client of a token request. Unknown id or wrong secret → 401 invalid_client with Auth0's
 * text; a confidential client must present its secret, a public client must not need one.
 */
export async function authenticateClient(services: Services, request: FastifyRequest, body: Record<string, unknown>): Promise<ClientRow> {
  const { clientId, clientSecret } = readClientCredentials(request, body);
  if (!clientId) throw new OAuthError('invalid_request', 'Missing required parameter: client_id', { statusCode: 400 });
  const client = await services.clients.authenticate(request.tenant, clientId, clientSecret);
  if (!client) throw new OAuthError('invalid_client', 'Unauthorized', { statusCode: 401 });
  return client;
}
