/** Grant types an application may be allowed, in Auth0's spelling. */
export const GRANT_TYPES = {
  password: 'password',
  clientCredentials: 'client_credentials',
  authorizationCode: 'authorization_code',
  refreshToken: 'refresh_token',
  mfaOob: 'http://auth0.com/oauth/grant-type/mfa-oob',
  mfaRecoveryCode: 'http://auth0.com/oauth/grant-type/mfa-recovery-code',
} as const;

export type GrantType = (typeof GRANT_TYPES)[keyof typeof GRANT_TYPES];
const ALL_GRANT_TYPES: readonly string[] = Object.values(GRANT_TYPES);
export const isGrantType = (value: string): value is GrantType => ALL_GRANT_TYPES.includes(value);

export const APP_TYPES = ['non_interactive', 'regular_web', 'spa', 'native'] as const;
export type AppType = (typeof APP_TYPES)[number];

export const TOKEN_ENDPOINT_AUTH_METHODS = ['none', 'client_secret_post', 'client_secret_basic'] as const;
export type TokenEndpointAuthMethod = (typeof TOKEN_ENDPOINT_AUTH_METHODS)[number];

/** Auth0's defaults per application type (without `implicit`, which Guardline does not offer). */
export function defaultGrantTypes(appType: AppType): GrantType[] {
  switch (appType) {
    case 'non_interactive':
      return [GRANT_TYPES.clientCredentials];
    case 'regular_web':
      return [GRANT_TYPES.authorizationCode, GRANT_TYPES.refreshToken, GRANT_TYPES.clientCredentials];
    case 'spa':
    case 'native':
      return [GRANT_TYPES.authorizationCode, GRANT_TYPES.refreshToken];
  }
}

/** Browser and mobile apps cannot keep a secret: they authenticate with PKCE only. */
export const defaultAuthMethod = (appType: AppType): TokenEndpointAuthMethod =>
  appType === 'spa' || appType === 'native' ? 'none' : 'client_secret_post';
