import type { FastifyRequest } from 'fastify';
import { MAX_CLIENT_ID_LENGTH } from '../../domain/client-secrets.js';
import type { LogType } from '../../domain/log-types.js';
import { OAuthError } from '../../errors/errors.js';
import type { Services } from '../../services/index.js';
import type { ClientRow } from '../../store/repositories/clients.js';
import { requestContext } from '../types.js';

export interface ClientCredentials {
  clientId: string | undefined;
  clientSecret: string | undefined;
}

const malformedBasic = () => new OAuthError('invalid_client', 'Malformed Basic authorization header');

/** Percent-decoding of a Basic credential (RFC 6749 §2.3.1); bad escapes and NUL are a malformed header, not a 500. */
function decodeBasicPart(part: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(part);
  } catch {
    throw malformedBasic();
  }
  if (decoded.includes('\u0000')) throw malformedBasic();
  return decoded;
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
    if (colon < 0) throw malformedBasic();
    const id = decodeBasicPart(decoded.slice(0, colon));
    if (bodyId !== undefined && bodyId !== id) throw new OAuthError('invalid_request', 'client_id does not match the Authorization header', { statusCode: 400 });
    return { clientId: id, clientSecret: decodeBasicPart(decoded.slice(colon + 1)) };
  }
  return { clientId: bodyId, clientSecret: bodySecret };
}

/**
 * Authenticates the client of a token or MFA request through `services.clientAuthentication` and turns its
 * answer into the wire shape: unknown id, wrong, missing or unexpected secret → 401 `invalid_client`
 * "Unauthorized" (one answer, so it tells nothing); an empty failure bucket → 429 `too_many_attempts` with
 * `Retry-After`. `failureLogType` is the endpoint's Auth0 failure type, written for every refusal.
 */
export async function authenticateClient(services: Services, request: FastifyRequest, body: Record<string, unknown>, failureLogType: LogType): Promise<ClientRow> {
  const { clientId, clientSecret } = readClientCredentials(request, body);
  if (!clientId) throw new OAuthError('invalid_request', 'Missing required parameter: client_id', { statusCode: 400 });
  if (clientId.length > MAX_CLIENT_ID_LENGTH) throw new OAuthError('invalid_request', `client_id: must NOT have more than ${MAX_CLIENT_ID_LENGTH} characters`, { statusCode: 400 });
  const result = await services.clientAuthentication.authenticate(request.tenant, { clientId, clientSecret }, failureLogType, requestContext(request));
  switch (result.outcome) {
    case 'authenticated':
      return result.client;
    case 'limited':
      throw new OAuthError('too_many_attempts', 'Too many failed client authentications. Wait before retrying.', {
        headers: { 'retry-after': String(Math.max(1, Math.ceil(result.retryAfterMs / 1000))) },
      });
    case 'refused':
      throw new OAuthError('invalid_client', 'Unauthorized', { statusCode: 401 });
  }
}
