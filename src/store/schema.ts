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
  /** argon2id hash; null for public clients (token_endpoint_auth_method = none). */
  client_secret_hash: string | null;
  grant_types: string;
  callbacks: string;
  allowed_logout_urls: string;
  client_metadata: string;
  created_at: string;
  updated_at: string;
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
  logs: LogsTable;
}
