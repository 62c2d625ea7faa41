/**
 * Every error code Guardline returns, with its HTTP status and family. Codes are never reused or renamed;
 * `docs/errors.md` lists them all (a test checks both directions).
 *
 * Families: `management` → `{statusCode, error, message, errorCode}`; `oauth` → `{error, error_description}`.
 */
export const ERROR_CATALOGUE = {
  // Management API (Auth0 errorCode values)
  invalid_body: { status: 400, family: 'management' },
  invalid_query_string: { status: 400, family: 'management' },
  invalid_uri: { status: 400, family: 'management' },
  invalid_token: { status: 401, family: 'management' },
  insufficient_scope: { status: 403, family: 'management' },
  inexistent_user: { status: 404, family: 'management' },
  inexistent_client: { status: 404, family: 'management' },
  inexistent_client_grant: { status: 404, family: 'management' },
  inexistent_connection: { status: 404, family: 'management' },
  inexistent_log: { status: 404, family: 'management' },
  inexistent_resource_server: { status: 404, family: 'management' },
  inexistent_signing_key: { status: 404, family: 'management' },
  inexistent_tenant: { status: 404, family: 'management' },
  inexistent_authenticator: { status: 404, family: 'management' },
  inexistent_phone_provider: { status: 404, family: 'management' },
  inexistent_phone_delivery: { status: 404, family: 'management' },
  inexistent_phone_template: { status: 404, family: 'management' },
  inexistent_action: { status: 404, family: 'management' },
  inexistent_action_version: { status: 404, family: 'management' },
  inexistent_action_execution: { status: 404, family: 'management' },
  inexistent_prefix_block: { status: 404, family: 'management' },
  inexistent_usage_trigger: { status: 404, family: 'management' },
  inexistent_log_stream: { status: 404, family: 'management' },
  inexistent_job: { status: 404, family: 'management' },
  inexistent_custom_domain: { status: 404, family: 'management' },
  not_found: { status: 404, family: 'management' },
  unsupported_media_type: { status: 415, family: 'management' },
  payload_too_large: { status: 413, family: 'management' },
  auth0_idp_error: { status: 409, family: 'management' },
  client_exists: { status: 409, family: 'management' },
  client_grant_exists: { status: 409, family: 'management' },
  tenant_exists: { status: 409, family: 'management' },
  authentication_method_exists: { status: 409, family: 'management' },
  phone_template_exists: { status: 409, family: 'management' },
  action_exists: { status: 409, family: 'management' },
  custom_domain_exists: { status: 409, family: 'management' },
  /** deleting an action a trigger still runs, without `force=true` */
  action_bound: { status: 409, family: 'management' },
  /** a tenant's log streams are limited (services/log-streams) */
  too_many_log_streams: { status: 409, family: 'management' },
  too_many_entities: { status: 403, family: 'management' },
  /** an Auth0 feature Guardline does not have (routes/absent-features) */
  feature_not_enabled: { status: 403, family: 'management' },
  operation_not_supported: { status: 400, family: 'management' },
  phone_provider_error: { status: 400, family: 'management' },
  /** Auth0's (sic): a custom phone provider, or `phone-message-hook`, without a deployed action */
  custom_email_provider_deployed_action_not_found: { status: 400, family: 'management' },
  password_strength_error: { status: 400, family: 'management' },
  too_many_requests: { status: 429, family: 'management' },
  internal_error: { status: 500, family: 'management' },
  service_unavailable: { status: 503, family: 'management' },
  // OAuth / MFA API (RFC 6749 and Auth0 error values)
  invalid_request: { status: 400, family: 'oauth' },
  invalid_client: { status: 401, family: 'oauth' },
  invalid_grant: { status: 403, family: 'oauth' },
  unauthorized_client: { status: 403, family: 'oauth' },
  unsupported_grant_type: { status: 400, family: 'oauth' },
  unsupported_response_type: { status: 400, family: 'oauth' },
  invalid_scope: { status: 403, family: 'oauth' },
  access_denied: { status: 403, family: 'oauth' },
  unauthorized: { status: 401, family: 'oauth' },
  mfa_required: { status: 403, family: 'oauth' },
  expired_token: { status: 401, family: 'oauth' },
  association_required: { status: 403, family: 'oauth' },
  unsupported_challenge_type: { status: 400, family: 'oauth' },
  too_many_attempts: { status: 429, family: 'oauth' },
  too_many_sms_per_tenant: { status: 429, family: 'oauth' },
  temporarily_unavailable: { status: 503, family: 'oauth' },
  server_error: { status: 500, family: 'oauth' },
  // Management API: a request header that cannot be trusted (e.g. two Host headers, RFC 9112 §3.2)
  invalid_headers: { status: 400, family: 'management' },
  // GET /metrics without GUARDLINE_METRICS_TOKEN, from a peer that is not loopback (docs/metrics.md)
  metrics_loopback_only: { status: 403, family: 'management' },
} as const satisfies Record<string, { status: number; family: 'management' | 'oauth' }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;
export type ManagementErrorCode = {
  [K in ErrorCode]: (typeof ERROR_CATALOGUE)[K]['family'] extends 'management' ? K : never;
}[ErrorCode];
export type OAuthErrorCode = {
  [K in ErrorCode]: (typeof ERROR_CATALOGUE)[K]['family'] extends 'oauth' ? K : never;
}[ErrorCode];
