import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { OAuthError } from '../../errors/errors.js';
import { asUnavailable, logUnavailable, RETRY_AFTER_SECONDS, UNAVAILABLE_MESSAGE } from '../unavailable.js';
import { describeValidationError } from '../validation.js';

/** Maps anything thrown on the Authentication API to `{error, error_description}`. */
export function toOAuthError(err: unknown): OAuthError | undefined {
  if (err instanceof OAuthError) return err;
  if (asUnavailable(err)) {
    return new OAuthError('temporarily_unavailable', UNAVAILABLE_MESSAGE, {
      statusCode: 503,
      headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
    });
  }
  const fastifyError = err as FastifyError;
  if (fastifyError.validation) {
    return new OAuthError('invalid_request', describeValidationError(fastifyError.validation as never), { statusCode: 400 });
  }
  switch (fastifyError.statusCode) {
    case 413:
      return new OAuthError('invalid_request', 'Request body is larger than the limit', { statusCode: 413 });
    case 415:
      return new OAuthError('invalid_request', 'Unsupported content type: send application/x-www-form-urlencoded or application/json', { statusCode: 415 });
    case 400:
      return new OAuthError('invalid_request', 'Malformed request body', { statusCode: 400 });
    default:
      return undefined;
  }
}

export function oauthErrorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply) {
  const unavailable = asUnavailable(err);
  if (unavailable) logUnavailable(request, unavailable);
  const mapped = toOAuthError(err);
  if (mapped) {
    reply.headers({ 'cache-control': 'no-store', pragma: 'no-cache', ...mapped.headers });
    return reply.code(mapped.statusCode).send(mapped.toBody());
  }
  request.log.error({ err, req_id: request.id }, 'unhandled authentication API error');
  return reply.code(500).send({ error: 'server_error', error_description: `Internal error (request ${request.id})` });
}
