import type { Generated } from 'kysely';

/**
 * Table shapes as Kysely sees them. Both dialects store the same column types so one repository serves
 * both: text (dates as ISO-8601 UTC strings, which sort chronologically), integer (booleans as 0/1) and
 * JSON as text.
 */
export interface TenantsTable {
  id: string;
  name: string;
  friendly_name: string;
  default_locale: string;
  /** JSON array of locale codes, e.g. ["en","ja"]. */
  supported_locales: string;
  created_at: string;
  updated_at: string;
  /** Bumped by triggers on every write of cached configuration (migration 0004, src/services/config-cache.ts). */
  config_version: Generated<number>;
}

export interface TenantDomainsTable {
  domain: string;
  tenant_id: string;
  created_at: string;
}

export interface ConnectionsTable {
  id: string;
  tenant_id: string;
  name: string;
  strategy: string;
  created_at: string;
}

export interface ClientsTable {
  client_id: string;
  tenant_id: string;
  name: string;
  description: string;
  app_type: string;
  is_first_party: number;
  token_endpoint_auth_method: string;
  /** `hmac-sha256$…` (crypto/client-secret.ts), or a legacy argon2id hash until its next use; null for public clients (token_endpoint_auth_method = none). */
  client_secret_hash: string | null;
  grant_types: string;
  callbacks: string;
  allowed_logout_urls: string;
  client_metadata: string;
  created_at: string;
  updated_at: string;
  /** JSON arrays of origins (`https://app.example`, `https://*.example.com`): CORS and `response_mode=web_message`. */
  web_origins: string;
  allowed_origins: string;
  /** Auth0's `refresh_token` object as JSON; '' for Auth0's defaults (non-rotating, non-expiring). */
  refresh_token: string;
}

export interface UsersTable {
  user_id: string;
  tenant_id: string;
  connection_id: string;
  email: string | null;
  email_verified: number;
  username: string | null;
  phone_number: string | null;
  password_hash: string | null;
  name: string | null;
  nickname: string | null;
  given_name: string | null;
  family_name: string | null;
  picture: string | null;
  locale: string | null;
  blocked: number;
  user_metadata: string;
  app_metadata: string;
  logins_count: number;
  last_login: string | null;
  last_ip: string | null;
  created_at: string;
  updated_at: string;
}

export interface ClientGrantsTable {
  id: string;
  tenant_id: string;
  client_id: string;
  audience: string;
  scope: string;
  created_at: string;
}

export interface SigningKeysTable {
  kid: string;
  tenant_id: string;
  alg: string;
  /** Private JWK, sealed with the instance secret key. */
  private_jwk_sealed: string;
  public_jwk: string;
  /** current | next | previous | revoked */
  status: string;
  created_at: string;
  rotated_at: string | null;
  revoked_at: string | null;
}

export interface AuthorizationCodesTable {
  /** SHA-256 of the code; the code itself is never stored. */
  code_hash: string;
  tenant_id: string;
  client_id: string;
  user_id: string;
  redirect_uri: string;
  code_challenge: string;
  code_challenge_method: string;
  scope: string;
  audience: string | null;
  nonce: string | null;
  expires_at: string;
  consumed_at: string | null;
  created_at: string;
  /** Space-separated authentication methods of the login (`mfa` after a second factor); '' for none. */
  amr: string;
  /** When the user authenticated, seconds since the epoch (the id_token's `auth_time`). */
  auth_time: number | null;
}

export interface RefreshTokensTable {
  token_hash: string;
  tenant_id: string;
  client_id: string;
  user_id: string;
  scope: string;
  audience: string | null;
  created_at: string;
  revoked_at: string | null;
  /** The family of a rotating token (the hash of its first token); null for a non-rotating token. */
  family_id: string | null;
  /** When a rotating token was exchanged for its successor; a later reuse (outside the leeway) revokes the family. */
  rotated_at: string | null;
  /** Absolute and idle expiry; null when the client's policy says infinite. */
  expires_at: string | null;
  idle_expires_at: string | null;
}

/** A browser's login session (the `guardline_session` cookie): `prompt=none`, single sign-on and `/v2/logout`. */
export interface LoginSessionsTable {
  session_hash: string;
  tenant_id: string;
  user_id: string;
  /** JSON array of the authentication methods of the login (`pwd`, `mfa`). */
  amr: string;
  authenticated_at: string;
  idle_expires_at: string;
  expires_at: string;
  created_at: string;
}

export interface LogsTable {
  log_id: string;
  tenant_id: string;
  date: string;
  type: string;
  description: string;
  client_id: string | null;
  client_name: string | null;
  user_id: string | null;
  user_name: string | null;
  connection: string | null;
  ip: string | null;
  user_agent: string | null;
  hostname: string | null;
  details: string;
}

export interface GuardianFactorsTable {
  tenant_id: string;
  /** Auth0's factor names: sms (the phone factor), recovery-code, and the others stored as given. */
  name: string;
  enabled: number;
  updated_at: string;
}

/** One row per tenant, created with the defaults on first read. */
export interface GuardianSettingsTable {
  tenant_id: string;
  /** JSON array: [] | ["all-applications"] | ["confidence-score"] */
  mfa_policies: string;
  /** JSON array of "sms" | "voice" */
  phone_message_types: string;
  /** auth0 | twilio | phone-message-hook */
  phone_provider: string;
  /** null = the built-in default of the message's locale */
  enrollment_template: string | null;
  verification_template: string | null;
  otp_length: number;
  otp_lifetime_seconds: number;
  twilio_sid: string | null;
  twilio_from: string | null;
  twilio_messaging_service_sid: string | null;
  /** Sealed with the instance secret key; never returned in full. */
  twilio_auth_token_sealed: string | null;
  /** JSON array of {phone_number, code}: numbers that never reach a provider (app-store review, CI). */
  test_numbers: string;
  /** Messages the built-in provider has accepted over the tenant's life (capped). */
  builtin_messages_sent: number;
  /** 1 = when an SMS cannot be sent by any provider, the code is sent by voice (where voice is enabled). */
  phone_voice_fallback: number;
  /** 1 = SMS codes end with the origin-bound one-time-code line `@host #code` (migration 0007; Guardline extension). */
  phone_otp_autofill: number;
  updated_at: string;
}

/** One provider configuration of a tenant: a link of its delivery chain (services/provider-configs.ts). */
export interface ProviderConfigsTable {
  /** `pro_<16>` (Auth0's phone provider id shape) */
  id: string;
  tenant_id: string;
  /** registry id (delivery/registry.ts) */
  provider: string;
  /** JSON; fields the definition marks `secret` are sealed with the instance secret key */
  config: string;
  enabled: number;
  /** chain order, lowest first */
  position: number;
  /** JSON array of ISO 3166-1 alpha-2 codes; null = every destination */
  countries: string | null;
  /** JSON array of sms | voice; null = every channel the provider supports */
  channels: string | null;
  created_at: string;
  updated_at: string;
}

/** The delivery ledger: one row per provider attempt (services/deliveries.ts). Never the code, the text or the full number. */
export interface DeliveryAttemptsTable {
  /** `dlv_<sortable>` */
  id: string;
  tenant_id: string;
  send_id: string;
  attempt: number;
  channel: string;
  purpose: string;
  provider: string;
  provider_config_id: string | null;
  /** masked E.164 */
  destination: string;
  /** ISO 3166-1 alpha-2, when libphonenumber knows it */
  country: string | null;
  status: string;
  /** JSON array of {status, at, source, error?} */
  history: string;
  provider_message_id: string | null;
  /** JSON {class, errorCode, message} */
  error: string | null;
  accepted_at: string | null;
  sent_at: string | null;
  delivered_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface AuthenticatorsTable {
  /** `dev_<16>`; the MFA API shows a phone enrollment as `sms|dev_…` and `voice|dev_…`. */
  id: string;
  tenant_id: string;
  user_id: string;
  /** phone | recovery-code */
  type: string;
  /** pending | confirmed */
  status: string;
  phone_number: string | null;
  /** sms | voice (phone only) */
  preferred_method: string | null;
  name: string | null;
  /** Keyed hash of the recovery code (recovery-code only). */
  secret_hash: string | null;
  created_at: string;
  enrolled_at: string | null;
  last_auth_at: string | null;
}

/** One `mfa_token`: a password proven for (user, client), waiting for its second factor. */
export interface MfaTransactionsTable {
  id: string;
  /** SHA-256 of the mfa_token; the token itself is never stored. */
  token_hash: string;
  /**
   * `password`: an mfa_token from the password grant, used up by its exchange. `mfa_access_token`: an access
   * token for the MFA API (scope `enroll`) enrolling another authenticator; it stays valid until it expires.
   */
  first_factor: string;
  tenant_id: string;
  client_id: string;
  user_id: string;
  /** What the first factor asked for, granted once the second succeeds. */
  scope: string;
  audience: string | null;
  created_at: string;
  expires_at: string;
  completed_at: string | null;
}

/** One code sent: bound to its transaction, authenticator and channel. */
export interface MfaChallengesTable {
  id: string;
  /** SHA-256 of the oob_code. */
  oob_code_hash: string;
  tenant_id: string;
  transaction_id: string;
  authenticator_id: string;
  /** sms | voice */
  channel: string;
  /** enrollment | verification */
  purpose: string;
  /** HMAC of (challenge id, code) under a key derived from the instance secret: never the code. */
  code_hash: string;
  created_at: string;
  expires_at: string;
  consumed_at: string | null;
}

/** What the built-in provider would have sent, readable through the dev inbox API. */
export interface DevInboxMessagesTable {
  id: string;
  tenant_id: string;
  recipient: string;
  channel: string;
  purpose: string;
  locale: string;
  body: string;
  created_at: string;
}

export interface EnrollmentTicketsTable {
  /** SHA-256 of the ticket secret carried by the ticket URL. */
  ticket_hash: string;
  id: string;
  tenant_id: string;
  user_id: string;
  factor: string | null;
  created_at: string;
  expires_at: string;
  consumed_at: string | null;
}

/** A browser a user asked to remember after their second factor ("Remember this device for 30 days"). */
export interface RememberedBrowsersTable {
  /** SHA-256 of the token the browser's cookie carries. */
  token_hash: string;
  tenant_id: string;
  user_id: string;
  created_at: string;
  /** created_at + 30 days: the browser is asked again after this, used or not. */
  expires_at: string;
  /** Seven days without a login from this browser expire it. */
  last_used_at: string;
}

/** The one login a login page's MFA transaction ended in (migration 0008). */
export interface LoginCompletionsTable {
  transaction_id: string;
  created_at: string;
}

/** Per-tenant settings of the login pages (Guardline extensions; see docs/login.md). */
export interface LoginSettingsTable {
  tenant_id: string;
  /** 1: the MFA challenge screens offer "Remember this device for 30 days". */
  remember_browser: number;
  updated_at: string;
}

/** One token bucket of the embedded limiter (limits/sql.ts); PostgreSQL returns the bigint as a string. */
export interface RateLimitBucketsTable {
  key: string;
  tat: number | string;
}

/** A fixed-window counter of the embedded limiter (limits/sql.ts); bigints may come back as strings. */
export interface LimitCountersTable {
  key: string;
  used: number | string;
  expires_at: number | string;
}

/** One protection's settings of a tenant as JSON (migration 0012); absent means the defaults. */
export interface AttackProtectionSettingsTable {
  tenant_id: string;
  name: string;
  value: string;
  updated_at: string;
}

export interface PhonePrefixBlocksTable {
  tenant_id: string;
  prefix: string;
  state: 'blocked' | 'pinned' | 'lifted';
  reason: string;
  details: string;
  created_at: string;
  updated_at: string;
  until: string | null;
}

export interface UsageTriggersTable {
  id: string;
  tenant_id: string;
  definition: string;
  secret: string;
  created_at: string;
}

export interface WebhookDeliveriesTable {
  id: string;
  tenant_id: string;
  trigger_id: string;
  window_key: string;
  payload: string;
  attempts: number;
  next_attempt_at: string;
  lease_until: string | null;
  last_error: string | null;
  delivered_at: string | null;
  created_at: string;
}

/** A tenant's attack-protection settings; absent means Auth0's defaults. */
export interface AttackProtectionTable {
  tenant_id: string;
  /** JSON of Auth0's brute-force-protection object. */
  brute_force: string;
  updated_at: string;
}

/** A login identifier blocked by brute-force protection (Auth0's user blocks). */
export interface UserBlocksTable {
  id: string;
  tenant_id: string;
  /** lower-cased login identifier */
  identifier: string;
  /** the IP blocked for this identifier; '' = every IP */
  ip: string;
  connection: string;
  created_at: string;
  expires_at: string;
}

/** A tenant's branding (Auth0's `/api/v2/branding`); absent means nothing is set. */
export interface BrandingTable {
  tenant_id: string;
  /** `#rrggbb`, lower case */
  primary_color: string | null;
  page_background: string | null;
  logo_url: string | null;
  favicon_url: string | null;
  font_url: string | null;
  updated_at: string;
}

/** An Auth0 Action (migration 0009). JSON columns: `supported_triggers` `[{id, version}]`, `dependencies` `[{name, version}]`. */
export interface ActionsTable {
  /** a UUID, as Auth0's */
  id: string;
  tenant_id: string;
  name: string;
  supported_triggers: string;
  code: string;
  dependencies: string;
  runtime: string;
  /** sealed JSON `[{name, value, updated_at}]` */
  secrets: string;
  created_at: string;
  updated_at: string;
}

/** A deployed snapshot of an action; never changes except `deployed`. */
export interface ActionVersionsTable {
  id: string;
  tenant_id: string;
  action_id: string;
  number: number;
  code: string;
  dependencies: string;
  runtime: string;
  secrets: string;
  supported_triggers: string;
  deployed: number;
  created_at: string;
  updated_at: string;
}

export interface ActionBindingsTable {
  id: string;
  tenant_id: string;
  trigger_id: string;
  action_id: string;
  display_name: string;
  created_at: string;
  updated_at: string;
}

export interface ActionSettingsTable {
  tenant_id: string;
  /** JSON array of host names, or null for any public host */
  fetch_allowed_hosts: string | null;
  updated_at: string;
}

export interface ActionExecutionsTable {
  id: string;
  tenant_id: string;
  trigger_id: string;
  action_id: string;
  action_name: string;
  version_id: string;
  /** final (succeeded) | failed */
  status: string;
  /** JSON {kind, message} */
  error: string | null;
  /** JSON string[] */
  logs: string;
  logs_truncated: number;
  /** JSON FetchRecord[] */
  fetches: string;
  /** JSON {action, reason} */
  notification: string | null;
  started_at: string;
  ended_at: string;
}

/** `api.cache` of actions, per tenant and trigger (the database back end; Redis keeps its own). */
export interface ActionCacheTable {
  tenant_id: string;
  trigger_id: string;
  key: string;
  value: string;
  expires_at: string;
}

/** A custom-phone-provider notification an action asked to retry (migration 0010). */
export interface ActionRetriesTable {
  /** `art_<sortable>` */
  id: string;
  tenant_id: string;
  trigger_id: string;
  delivery_id: string | null;
  /** sealed JSON of the provider message */
  message: string;
  attempts: number;
  next_attempt_at: string;
  lease_until: string | null;
  last_reason: string | null;
  created_at: string;
}

/** One row per event, written by a trigger on `logs` (migration 0011): the event's stream position. */
export interface LogOutboxTable {
  /** assigned by the database; PostgreSQL's bigint arrives as a string */
  seq: Generated<number | string>;
  log_id: string;
  tenant_id: string;
  created_at: string;
}

/** An Auth0 log stream and its delivery state (migration 0011). */
export interface LogStreamsTable {
  /** `lst_<random>` */
  id: string;
  tenant_id: string;
  name: string;
  type: string;
  status: string;
  /** JSON of the sink, without `httpAuthorization` */
  sink: string;
  /** sealed `httpAuthorization` */
  authorization: string | null;
  filters: string | null;
  pii_config: string | null;
  is_priority: number;
  cursor_seq: number | string;
  last_log_id: string | null;
  last_delivered_at: string | null;
  last_error: string | null;
  last_error_at: string | null;
  consecutive_failures: number;
  failing_since: string | null;
  suspended_reason: string | null;
  next_attempt_at: string;
  lease_until: string | null;
  lease_owner: string | null;
  created_at: string;
  updated_at: string;
}

/** A users import or export job (migration 0013). */
export interface UserJobsTable {
  id: string;
  tenant_id: string;
  type: 'users_import' | 'users_export';
  status: 'pending' | 'processing' | 'completed' | 'failed';
  connection_id: string | null;
  external_id: string | null;
  upsert: number;
  input: string;
  cursor: number;
  total: number;
  inserted: number;
  updated: number;
  failed: number;
  result: string | null;
  file_token_hash: string | null;
  result_expires_at: string | null;
  lease_until: string | null;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
}

export interface UserJobErrorsTable {
  job_id: string;
  row_index: number;
  user: string;
  errors: string;
}

export interface PromptCustomTextsTable {
  tenant_id: string;
  prompt: string;
  language: string;
  /** JSON `{screen: {key: text}}` */
  texts: string;
  updated_at: string;
}

export interface Database {
  tenants: TenantsTable;
  tenant_domains: TenantDomainsTable;
  connections: ConnectionsTable;
  clients: ClientsTable;
  users: UsersTable;
  client_grants: ClientGrantsTable;
  signing_keys: SigningKeysTable;
  authorization_codes: AuthorizationCodesTable;
  refresh_tokens: RefreshTokensTable;
  login_sessions: LoginSessionsTable;
  logs: LogsTable;
  guardian_factors: GuardianFactorsTable;
  guardian_settings: GuardianSettingsTable;
  authenticators: AuthenticatorsTable;
  mfa_transactions: MfaTransactionsTable;
  mfa_challenges: MfaChallengesTable;
  dev_inbox_messages: DevInboxMessagesTable;
  enrollment_tickets: EnrollmentTicketsTable;
  rate_limit_buckets: RateLimitBucketsTable;
  attack_protection: AttackProtectionTable;
  user_blocks: UserBlocksTable;
  provider_configs: ProviderConfigsTable;
  delivery_attempts: DeliveryAttemptsTable;
  remembered_browsers: RememberedBrowsersTable;
  login_settings: LoginSettingsTable;
  login_completions: LoginCompletionsTable;
  branding: BrandingTable;
  actions: ActionsTable;
  action_versions: ActionVersionsTable;
  action_bindings: ActionBindingsTable;
  action_settings: ActionSettingsTable;
  action_executions: ActionExecutionsTable;
  action_cache: ActionCacheTable;
  action_retries: ActionRetriesTable;
  limit_counters: LimitCountersTable;
  attack_protection_settings: AttackProtectionSettingsTable;
  phone_prefix_blocks: PhonePrefixBlocksTable;
  usage_triggers: UsageTriggersTable;
  webhook_deliveries: WebhookDeliveriesTable;
  log_outbox: LogOutboxTable;
  log_streams: LogStreamsTable;
  user_jobs: UserJobsTable;
  prompt_custom_texts: PromptCustomTextsTable;
  user_job_errors: UserJobErrorsTable;
}
