import { hashToken } from '../crypto/secret-box.js';
import { GRANT_TYPES } from '../domain/grant-types.js';
import { newId } from '../domain/ids.js';
import { refreshTokenExpiry } from '../domain/refresh-token-policy.js';
import type { ClientRow } from '../store/repositories/clients.js';
import type { Repositories } from '../store/store.js';
import type { UserWithConnection } from '../store/repositories/users.js';
import type { Clients } from './clients.js';
import type { ServiceDeps } from './context.js';
import type { Tenant } from './tenants.js';
import type { Tokens } from './tokens.js';
import { toUserView } from './users.js';

/** The OIDC scopes a user token may carry for `/userinfo`. */
export const USER_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;
/** Auth0's MFA API scopes, granted only with the MFA audience (`{issuer}mfa/`). */
export const MFA_SCOPES = ['enroll', 'read:authenticators', 'remove:authenticators'] as const;

export interface TokenSet {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope?: string;
  id_token?: string;
  refresh_token?: string;
  /** The recovery-code grant returns the user's next recovery code. */
  recovery_code?: string;
}

export interface IssueOptions {
  scopes: string[];
  audience?: string | null;
  nonce?: string | undefined;
  grantType?: string;
  /**
   * `false`: no refresh token (a non-rotating refresh). A family: the successor of a rotated token (it inherits the family's absolute expiry), issued whatever
   * the scopes say. Absent: a new refresh token (a new family when the client rotates) if `offline_access` is granted.
   */
  refreshToken?: false | { familyId: string; expiresAt: string | null; scope: string };
  /** The login's authentication methods and time, for the `amr` and `auth_time` claims. */
  amr?: string[];
  authTime?: number;
}

/** Lifetime of every token for the MFA API audience (and of the mfa_token). */
export const MFA_API_TOKEN_SECONDS = 600;

/** `{issuer}userinfo`: the audience of a user token that names no API. */
export const userinfoAudience = (tenant: Tenant) => `${tenant.issuer}userinfo`;
/** `{issuer}mfa/`: Auth0's MFA API audience (enroll more authenticators, list, remove). */
export const mfaAudience = (tenant: Tenant) => `${tenant.issuer}mfa/`;

/** The claims of the id_token and of `/userinfo` for the granted scopes. */
export function profileClaims(user: UserWithConnection, scopes: readonly string[]): Record<string, unknown> {
  const view = toUserView(user);
  const claims: Record<string, unknown> = {};
  if (scopes.includes('profile')) Object.assign(claims, { name: view.name, nickname: view.nickname, picture: view.picture, updated_at: view.updated_at });
  if (scopes.includes('email') && view.email !== undefined) Object.assign(claims, { email: view.email, email_verified: view.email_verified });
  return claims;
}

/**
 * Tokens issued to users, by every grant that ends in a user (password, code, refresh, MFA): one place decides
 * audiences, scopes, id_token and refresh token.
 */
export function createUserTokens({ store, clock, random }: ServiceDeps, { tokens, clients }: { tokens: Tokens; clients: Clients }) {
  const allowsGrant = (client: ClientRow, grantType: string) => clients.grantTypesOf(client).includes(grantType);

  /**
   * Access token (for `/userinfo`, or the MFA API), id_token with `openid`, refresh token with `offline_access`:
   * signed now, but the refresh token is stored only by `persist`. A grant that uses something up (a code, an
   * mfa_token) persists inside the same transaction, so the database either keeps both or neither: a failure after
   * the commit can no longer cost the user a login whose second factor was already spent.
   */
  async function prepare(
    tenant: Tenant,
    client: ClientRow,
    user: UserWithConnection,
    options: IssueOptions,
  ): Promise<{ tokens: TokenSet; persist(repos: Pick<Repositories, 'refreshTokens'>): Promise<void> }> {
    const { scopes } = options;
    const api = options.audience === mfaAudience(tenant) ? mfaAudience(tenant) : undefined;
    const audience = api ? (scopes.includes('openid') ? [api, userinfoAudience(tenant)] : api) : userinfoAudience(tenant);
    const signer = tokens.signer(tenant);
    const access = await signer.accessToken({
      sub: user.user_id,
      audience,
      scope: scopes,
      azp: client.client_id,
      ...(options.grantType ? { grantType: options.grantType } : {}),
      ...(options.amr ? { amr: options.amr } : {}),
      // Auth0: tokens for the MFA API live 10 minutes, not configurable.
      ...(api ? { lifetimeSeconds: MFA_API_TOKEN_SECONDS } : {}),
    });
    const set: TokenSet = { access_token: access.token, token_type: 'Bearer', expires_in: access.expiresIn };
    if (scopes.length > 0) set.scope = scopes.join(' ');
    if (scopes.includes('openid')) {
      set.id_token = await signer.idToken({
        sub: user.user_id,
        clientId: client.client_id,
        nonce: options.nonce ?? null,
        profile: profileClaims(user, scopes),
        ...(options.amr ? { amr: options.amr } : {}),
        ...(options.authTime !== undefined ? { authTime: options.authTime } : {}),
      });
    }
    const successor = typeof options.refreshToken === 'object' ? options.refreshToken : undefined;
    const refreshToken = successor || (options.refreshToken !== false && scopes.includes('offline_access')) ? newId.opaqueToken(random) : undefined;
    if (refreshToken !== undefined) set.refresh_token = refreshToken;
    return {
      tokens: set,
      async persist(repos) {
        if (refreshToken === undefined) return;
        const now = clock.now();
        const tokenHash = hashToken(refreshToken);
        const policy = clients.refreshTokenPolicyOf(client);
        const expiry = refreshTokenExpiry(policy, now);
        // A family is named by the hash of its first token: rotation and reuse detection work on the family.
        const familyId = successor?.familyId ?? (policy.rotation_type === 'rotating' ? tokenHash : null);
        await repos.refreshTokens.insert({
          token_hash: tokenHash,
          tenant_id: tenant.id,
          client_id: client.client_id,
          user_id: user.user_id,
          // A successor keeps its family's scope: a narrowed refresh does not narrow the next one.
          scope: successor ? successor.scope : scopes.join(' '),
          audience: api ?? null,
          created_at: now.toISOString(),
          revoked_at: null,
          family_id: familyId,
          rotated_at: null,
          // A successor keeps its family's absolute expiry: rotation never extends a login.
          expires_at: successor ? successor.expiresAt : expiry.expiresAt,
          idle_expires_at: expiry.idleExpiresAt,
        });
      },
    };
  }

  return {
    /** Requested scopes kept to what a user token may carry for `audience`; `offline_access` only for a client allowed refresh tokens. */
    grantScopes(tenant: Tenant, client: ClientRow, requested: string[], audience: string | null | undefined): string[] {
      const allowed: readonly string[] = audience === mfaAudience(tenant) ? [...USER_SCOPES, ...MFA_SCOPES] : USER_SCOPES;
      return requested.filter((s) => allowed.includes(s) && (s !== 'offline_access' || allowsGrant(client, GRANT_TYPES.refreshToken)));
    },

    prepare,

    /** `prepare` and `persist` at once, for grants that use nothing up on the way. */
    async issue(tenant: Tenant, client: ClientRow, user: UserWithConnection, options: IssueOptions): Promise<TokenSet> {
      const prepared = await prepare(tenant, client, user, options);
      await prepared.persist(store);
      return prepared.tokens;
    },
  };
}

export type UserTokens = ReturnType<typeof createUserTokens>;
