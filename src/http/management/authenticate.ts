import type { FastifyRequest } from 'fastify';
import { ManagementError } from '../../errors/errors.js';
import type { Services } from '../../services/index.js';
import { TokenVerificationError } from '../../services/tokens.js';

/**
 * Verifies the Bearer token against the request's tenant and checks the route's scopes. Runs in onRequest,
 * before the body is even parsed, so an unauthenticated caller learns nothing about the payload rules.
 */
export async function authenticateManagementRequest(services: Services, request: FastifyRequest): Promise<void> {
  const header = request.headers.authorization;
  if (!header) throw new ManagementError('invalid_token', 'Missing authentication', 401);
  const match = /^Bearer\s+([A-Za-z0-9\-_.]+)\s*$/i.exec(header);
  if (!match?.[1]) throw new ManagementError('invalid_token', 'Bad HTTP authentication header format', 401);

  let verified;
  try {
    verified = await services.tokens.verify(request.tenant, match[1], request.tenant.managementAudiences);
  } catch (err) {
    if (err instanceof TokenVerificationError) throw new ManagementError('invalid_token', err.message, 401);
    throw err;
  }
  const azp = typeof verified.payload.azp === 'string' ? verified.payload.azp : undefined;
  request.managementCaller = { sub: verified.payload.sub ?? '', clientId: azp, scopes: verified.scopes };

  const required = request.routeOptions.config.scopes;
  if (required && required.length > 0 && !required.some((s) => verified.scopes.includes(s))) {
    throw new ManagementError('insufficient_scope', `Insufficient scope, expected any of: ${required.join(',')}`);
  }
}
