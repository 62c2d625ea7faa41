import { STATUS_CODES } from 'node:http';
import { ERROR_CATALOGUE, type ManagementErrorCode, type OAuthErrorCode } from './catalogue.js';

/** An error whose fields may be shown to the caller. Anything else becomes a 500 with only the request id. */
export abstract class ExposedError extends Error {
  abstract readonly statusCode: number;
}

/** Management API error: `{statusCode, error, message, errorCode}`. */
export class ManagementError extends ExposedError {
  readonly statusCode: number;
  constructor(
    readonly errorCode: ManagementErrorCode,
    message: string,
    statusCode?: number,
  ) {
    super(message);
    this.name = 'ManagementError';
    this.statusCode = statusCode ?? ERROR_CATALOGUE[errorCode].status;
  }

  toBody() {
    return {
      statusCode: this.statusCode,
      error: STATUS_CODES[this.statusCode] ?? 'Error',
      message: this.message,
      errorCode: this.errorCode,
    };
  }
}

/** OAuth / MFA API error: `{error, error_description}` plus any extra fields (e.g. `mfa_token`). */
export class OAuthError extends ExposedError {
  readonly statusCode: number;
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    options: { statusCode?: number; extra?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(description);
    this.name = 'OAuthError';
    this.statusCode = options.statusCode ?? ERROR_CATALOGUE[error].status;
    this.extra = options.extra ?? {};
    this.headers = options.headers ?? {};
  }
  readonly extra: Record<string, unknown>;
  readonly headers: Record<string, string>;

  toBody() {
    return { error: this.error, error_description: this.description, ...this.extra };
  }
}

/** Domain-level "not found" / "conflict" signals that services raise; each surface maps them to its shape. */
export class NotFoundError extends Error {
  constructor(
    readonly entity: 'user' | 'client' | 'client_grant' | 'connection' | 'log' | 'signing_key' | 'tenant' | 'resource_server' | 'authenticator' | 'phone_provider' | 'phone_delivery' | 'phone_template' | 'action' | 'action_version' | 'action_execution' | 'prefix_block' | 'usage_trigger' | 'log_stream' | 'job' | 'custom_domain',
    message: string,
  ) {
    super(message);
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends Error {
  constructor(
    readonly entity: 'user' | 'client' | 'client_grant' | 'tenant' | 'authentication_method' | 'authentication_method_limit' | 'phone_template' | 'action' | 'action_bound' | 'usage_trigger_limit' | 'log_stream_limit' | 'custom_domain',
    message: string,
  ) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** Input that passed the schema but breaks a rule the domain knows (e.g. an unknown scope). */
export class ValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValidationError';
  }
}

/**
 * A change that needs something configured first: the selected phone provider `phone-message-hook` or a Unified
 * Phone `custom` provider without a deployed action bound to its trigger.
 */
export class PreconditionError extends Error {
  constructor(
    readonly reason: 'no_deployed_action',
    message: string,
  ) {
    super(message);
    this.name = 'PreconditionError';
  }
}

/**
 * A backing service did not answer in time (the limiter's Redis, the database). Adapters raise it; every surface
 * answers 503 in its own shape (`temporarily_unavailable` on OAuth/MFA, Management API's 503), never a 500.
 */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: 'redis' | 'database',
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = 'DependencyUnavailableError';
  }
}
