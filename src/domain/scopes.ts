/**
 * Management API scopes Guardline knows, in Auth0's spelling. The bootstrap administrative application gets
 * all of them; `POST /api/v2/client-grants` refuses any other value.
 */
export const MANAGEMENT_SCOPES = [
  'read:clients',
  'create:clients',
  'update:clients',
  'delete:clients',
  'read:client_keys',
  'update:client_keys',
  'read:users',
  'create:users',
  'update:users',
  'delete:users',
  'read:users_app_metadata',
  'create:users_app_metadata',
  'update:users_app_metadata',
  'delete:users_app_metadata',
  'read:client_grants',
  'create:client_grants',
  'update:client_grants',
  'delete:client_grants',
  'read:connections',
  'read:logs',
  'read:logs_users',
  'read:tenant_settings',
  'update:tenant_settings',
  'read:signing_keys',
  'create:signing_keys',
  'update:signing_keys',
  'read:guardian_factors',
  'update:guardian_factors',
  'read:guardian_enrollments',
  'delete:guardian_enrollments',
  'create:guardian_enrollment_tickets',
  'read:authentication_methods',
  'create:authentication_methods',
  'update:authentication_methods',
  'delete:authentication_methods',
  'read:mfa_policies',
  'update:mfa_policies',
  // Guardline extension: the built-in phone provider's dev inbox (message bodies carry codes).
  'read:dev_inbox',
  'delete:dev_inbox',
  // Guardline extension: the delivery ledger (masked numbers, statuses, provider errors).
  'read:phone_deliveries',
  'read:phone_providers',
  'create:phone_providers',
  'update:phone_providers',
  'delete:phone_providers',
  'read:phone_templates',
  'create:phone_templates',
  'update:phone_templates',
  'delete:phone_templates',
  'read:branding',
  'update:branding',
  'read:attack_protection',
  'update:attack_protection',
  'read:log_streams',
  'create:log_streams',
  'update:log_streams',
  'delete:log_streams',
  'read:actions',
  'create:actions',
  'update:actions',
  'delete:actions',
  'read:prompts',
  'update:prompts',
] as const;

export type ManagementScope = (typeof MANAGEMENT_SCOPES)[number];

const KNOWN = new Set<string>(MANAGEMENT_SCOPES);
export const isManagementScope = (scope: string): scope is ManagementScope => KNOWN.has(scope);

/** Space-separated scope parameter → unique list, preserving order. */
export function parseScopeParam(scope: string | undefined): string[] {
  return [...new Set((scope ?? '').split(/\s+/).filter(Boolean))];
}
