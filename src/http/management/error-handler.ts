import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ConflictError, ManagementError, NotFoundError, PreconditionError, ValidationError } from '../../errors/errors.js';
import type { ManagementErrorCode } from '../../errors/catalogue.js';
import { asUnavailable, logUnavailable, RETRY_AFTER_SECONDS, UNAVAILABLE_MESSAGE } from '../unavailable.js';
import { describeValidationError } from '../validation.js';

const NOT_FOUND_CODES: Record<NotFoundError['entity'], ManagementErrorCode> = {
  user: 'inexistent_user',
  client: 'inexistent_client',
  client_grant: 'inexistent_client_grant',
  connection: 'inexistent_connection',
  log: 'inexistent_log',
  signing_key: 'inexistent_signing_key',
  tenant: 'inexistent_tenant',
  resource_server: 'inexistent_resource_server',
  authenticator: 'inexistent_authenticator',
  phone_provider: 'inexistent_phone_provider',
  phone_delivery: 'inexistent_phone_delivery',
  phone_template: 'inexistent_phone_template',
  action: 'inexistent_action',
  action_version: 'inexistent_action_version',
  action_execution: 'inexistent_action_execution',
  prefix_block: 'inexistent_prefix_block',
  usage_trigger: 'inexistent_usage_trigger',
  log_stream: 'inexistent_log_stream',
  job: 'inexistent_job',
  custom_domain: 'inexistent_custom_domain',
};

const CONFLICT_CODES: Record<ConflictError['entity'], ManagementErrorCode> = {
  user: 'auth0_idp_error',
  client: 'client_exists',
  client_grant: 'client_grant_exists',
  tenant: 'tenant_exists',
  authentication_method: 'authentication_method_exists',
  authentication_method_limit: 'too_many_entities',
  phone_template: 'phone_template_exists',
  action: 'action_exists',
  action_bound: 'action_bound',
  usage_trigger_limit: 'too_many_entities',
  log_stream_limit: 'too_many_log_streams',
  custom_domain: 'custom_domain_exists',
};

/** The message prefix and errorCode of a validation error, by the part of the request that failed. */
const VALIDATION_PARTS: Record<string, [string, ManagementErrorCode]> = {
  body: ['Payload validation error', 'invalid_body'],
  querystring: ['Query validation error', 'invalid_query_string'],
  params: ['Path validation error', 'invalid_uri'],
  headers: ['Header validation error', 'invalid_headers'],
};

/** Maps anything thrown on the Management API to Auth0's `{statusCode, error, message, errorCode}`. */
export function toManagementError(err: unknown): ManagementError | undefined {
  if (err instanceof ManagementError) return err;
  if (err instanceof NotFoundError) return new ManagementError(NOT_FOUND_CODES[err.entity], err.message);
  if (err instanceof ConflictError) return new ManagementError(CONFLICT_CODES[err.entity], err.message);
  if (asUnavailable(err)) return new ManagementError('service_unavailable', UNAVAILABLE_MESSAGE);
  if (err instanceof PreconditionError) return new ManagementError('custom_email_provider_deployed_action_not_found', err.message);
  if (err instanceof ValidationError) {
    const code = err.message.startsWith('PasswordStrengthError') ? 'password_strength_error' : 'invalid_body';
    return new ManagementError(code, err.message);
  }
  const fastifyError = err as FastifyError;
  if (fastifyError.validation) {
    const part = fastifyError.validationContext;
    const [prefix, code] = VALIDATION_PARTS[part ?? 'body'] ?? VALIDATION_PARTS.body!;
    return new ManagementError(code, `${prefix}: '${describeValidationError(fastifyError.validation as never)}'.`);
  }
  switch (fastifyError.statusCode) {
    case 413:
      return new ManagementError('payload_too_large', 'Request body is larger than the limit');
    case 415:
      return new ManagementError('unsupported_media_type', 'Unsupported Media Type: send application/json');
    case 400:
      // Body parser errors: malformed JSON, empty JSON body.
      return new ManagementError('invalid_body', fastifyError.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'Payload validation error: empty JSON body' : 'Invalid request payload JSON format');
    default:
      return undefined;
  }
}

export function managementErrorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply) {
  const unavailable = asUnavailable(err);
  if (unavailable) {
    logUnavailable(request, unavailable);
    reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  }
  const mapped = toManagementError(err);
  if (mapped) return reply.code(mapped.statusCode).send(mapped.toBody());
  // Not exposed: log the cause, answer with only the request id.
  request.log.error({ err, req_id: request.id }, 'unhandled management API error');
  return reply.code(500).send(new ManagementError('internal_error', `Internal error (request ${request.id})`).toBody());
}
