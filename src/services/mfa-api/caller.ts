import { GRANT_TYPES } from '../../domain/grant-types.js';
import { OAuthError } from '../../errors/errors.js';
import type { ClientRow } from '../../store/repositories/clients.js';
import type { UserWithConnection } from '../../store/repositories/users.js';
import type { Clients } from '../clients.js';
import type { LoginTransaction, PhoneMfa } from '../phone-mfa/index.js';
import type { Tenant } from '../tenants.js';
import { TokenVerificationError, type Tokens } from '../tokens.js';
import { mfaAudience } from '../user-tokens.js';
import type { Users } from '../users.js';
import { oauthRefusal, orThrow } from './oauth-refusals.js';

/** Who calls an `/mfa/*` endpoint: the mfa_token of a password login, or an access token for the MFA API. */
export type MfaCaller =
  | { kind: 'mfa_token'; transaction: LoginTransaction; user: UserWithConnection }
  | { kind: 'access_token'; token: string; user: UserWithConnection; scopes: string[]; clientId: string; expiresAt: Date };

const looksLikeJwt = (token: string) => token.split('.').length === 3;

/**
 * The MFA API's callers: the Bearer of `/mfa/*` (an mfa_token or an MFA API access token) and the mfa_token of
 * `/mfa/challenge` and the MFA grants. Login-page transactions are not mfa_tokens (the core refuses them here).
 */
export function createMfaCallers({ users, tokens, clients, phoneMfa }: { users: Users; tokens: Tokens; clients: Clients; phoneMfa: PhoneMfa }) {
  async function verifyMfaAccessToken(tenant: Tenant, token: string) {
    try {
      return await tokens.verify(tenant, token, [mfaAudience(tenant)]);
    } catch (err) {
      // Only a verdict on the token is the caller's fault; a key that could not be read (database down) is not.
      if (!(err instanceof TokenVerificationError)) throw err;
      if (err.problem === 'expired') throw new OAuthError('expired_token', 'mfa_token is expired', { statusCode: 401 });
      throw new OAuthError('invalid_grant', 'Malformed mfa_token', { statusCode: 401 });
    }
  }

  /**
   * The transaction of an mfa_token, of `clientId`, with its user. An unknown token that is an expired MFA API access
   * token says so; the status is the endpoint's.
   */
  async function openMfaToken(tenant: Tenant, token: string, clientId: string) {
    const opened = await phoneMfa.transactions.open(tenant, token, { surface: 'mfa_api', clientId });
    if (!opened.ok && opened.refusal.code === 'transaction_not_found' && looksLikeJwt(token)) {
      await verifyMfaAccessToken(tenant, token).catch((err: unknown) => {
        throw err instanceof OAuthError ? new OAuthError(err.error, err.description) : err;
      });
    }
    return orThrow(opened, 'exchange');
  }

  return {
    openMfaToken,

    /** Bearer of an `/mfa/*` request: an mfa_token, or an access token whose audience is the MFA API. */
    async authenticate(tenant: Tenant, bearer: string | undefined): Promise<MfaCaller> {
      if (!bearer) throw new OAuthError('unauthorized', 'Missing authorization: send the mfa_token or an MFA API access token as a Bearer token', { statusCode: 401 });
      if (looksLikeJwt(bearer)) {
        const verified = await verifyMfaAccessToken(tenant, bearer);
        const user = verified.payload.sub ? await users.find(tenant, verified.payload.sub) : undefined;
        if (!user) throw oauthRefusal({ code: 'user_gone' }, 'bearer');
        if (user.blocked === 1) throw oauthRefusal({ code: 'user_blocked' }, 'bearer');
        const expiresAt = new Date((verified.payload.exp ?? 0) * 1000);
        return { kind: 'access_token', token: bearer, user, scopes: verified.scopes, clientId: verified.payload.azp ?? '', expiresAt };
      }
      // A user blocked after the password step neither lists, enrolls nor removes anything.
      const { transaction, user } = orThrow(await phoneMfa.transactions.open(tenant, bearer, { surface: 'mfa_api' }), 'bearer');
      return { kind: 'mfa_token', transaction, user };
    },

    /** An access token for the MFA API needs the endpoint's scope; an mfa_token may do what its login may. */
    requireScope(caller: MfaCaller, scope: 'enroll' | 'read:authenticators' | 'remove:authenticators') {
      if (caller.kind === 'access_token' && !caller.scopes.includes(scope)) {
        throw new OAuthError('access_denied', `Insufficient scope, expected: ${scope}`, { statusCode: 403 });
      }
    },

    /**
     * A code is only worth sending to an application that can exchange it: one without the mfa-oob grant gets
     * `unauthorized_client` before a message goes out (an SMS nobody can use is cost, and a pumping vector).
     */
    requireOobGrant(client: ClientRow | undefined) {
      if (!client || !clients.grantTypesOf(client).includes(GRANT_TYPES.mfaOob)) {
        throw new OAuthError('unauthorized_client', `Grant type '${GRANT_TYPES.mfaOob}' not allowed for the client.`);
      }
    },
  };
}

export type MfaCallers = ReturnType<typeof createMfaCallers>;
