import { MANAGEMENT_SCOPES } from './scopes.js';

/**
 * The APIs every tenant has, as Auth0 lists them under /api/v2/resource-servers with `is_system: true`: the
 * Management API (its scopes are the ones Guardline grants) and the MFA API. Guardline has no custom APIs, so
 * these are the whole list. Pure: built from the tenant's audiences.
 */
export interface SystemApi {
  id: string;
  name: string;
  identifier: string;
  is_system: true;
  scopes: { value: string; description: string }[];
  signing_alg: 'RS256';
  allow_offline_access: false;
  skip_consent_for_verifiable_first_party_clients: false;
  token_lifetime: number;
  token_lifetime_for_web: number;
  token_dialect: 'access_token';
}

export function systemApis(tenant: { id: string; issuer: string; managementAudience: string }): SystemApi[] {
  const common = {
    is_system: true,
    signing_alg: 'RS256',
    allow_offline_access: false,
    skip_consent_for_verifiable_first_party_clients: false,
    token_lifetime: 86400,
    token_lifetime_for_web: 7200,
    token_dialect: 'access_token',
  } as const;
  return [
    {
      id: `mgmt-${tenant.id}`,
      name: 'Auth0 Management API',
      identifier: tenant.managementAudience,
      scopes: MANAGEMENT_SCOPES.map((value) => ({ value, description: scopeDescription(value) })),
      ...common,
    },
    { id: `mfa-${tenant.id}`, name: 'MFA API', identifier: `${tenant.issuer}mfa/`, scopes: [], ...common, token_lifetime: 600, token_lifetime_for_web: 600 },
  ];
}

/** `read:client_grants` → "Read Client Grants", Auth0's wording. */
function scopeDescription(scope: string): string {
  const [verb, object] = scope.split(':') as [string, string];
  return [verb, ...object.split('_')].map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');
}
