import type { LogType } from '../../domain/log-types.js';
import { DependencyUnavailableError, OAuthError } from '../../errors/errors.js';
import type { ClientRow } from '../../store/repositories/clients.js';
import type { UserWithConnection } from '../../store/repositories/users.js';
import type { Repositories } from '../../store/store.js';
import type { Clients } from '../clients.js';
import type { RequestContext } from '../context.js';
import type { EventLog } from '../events.js';
import { unavailableDescription } from '../outage.js';
import { FIRST_FACTORS, type Committed, type LoginTransaction } from '../phone-mfa/index.js';
import { who } from '../phone-mfa/who.js';
import type { Tenant } from '../tenants.js';
import type { TokenSet, UserTokens } from '../user-tokens.js';
import type { Users } from '../users.js';
import type { MfaCallers } from './caller.js';

/**
 * What both MFA grants share: opening the exchange (grant allowed, mfa_token of this client), the tokens it ends in
 * (signed before, stored inside, the transaction that spends the second factor), and the failure event.
 */
export function createTokenExchange({ clients, users, userTokens, events, callers }: { clients: Clients; users: Users; userTokens: UserTokens; events: EventLog; callers: MfaCallers }) {
  return {
    /** The checks both MFA grants start with: grant allowed, token present and issued to this client, user allowed. */
    async open(tenant: Tenant, client: ClientRow, grantType: string, mfaToken: string | undefined) {
      if (!clients.grantTypesOf(client).includes(grantType)) throw new OAuthError('unauthorized_client', `Grant type '${grantType}' not allowed for the client.`);
      if (!mfaToken) throw new OAuthError('invalid_request', 'Missing required parameter: mfa_token', { statusCode: 400 });
      return callers.openMfaToken(tenant, mfaToken, client.client_id);
    },

    /**
     * The core's commit for an exchange: the tokens are signed in `prepare` (before the database transaction), and
     * `write` stores the refresh token, counts the login and adds the success event (`seoobft` / `sercft`), so
     * nothing can fail after the second factor is spent.
     */
    tokens(tenant: Tenant, client: ClientRow, user: UserWithConnection, transaction: LoginTransaction, grantType: 'mfa-oob' | 'mfa-recovery-code', context: RequestContext) {
      const scopes = transaction.scope.split(' ').filter(Boolean);
      let prepared: Awaited<ReturnType<UserTokens['prepare']>> | undefined;
      return {
        async prepare() {
          prepared = await userTokens.prepare(tenant, client, user, { scopes, audience: transaction.audience, grantType });
        },
        async write(tx: Repositories): Promise<Committed<TokenSet>> {
          if (!prepared) throw new Error('tokens written before they were prepared');
          await prepared.persist(tx);
          if (transaction.first_factor === FIRST_FACTORS.password) await users.recordLogin(tenant, user, context.ip, tx);
          const type = grantType === 'mfa-oob' ? 'seoobft' : 'sercft';
          return { value: prepared.tokens, events: [{ type, ...who(user, client), details: { scope: scopes.join(' ') } }] };
        },
      };
    },

    /**
     * Records the failed exchange (`feoobft` / `fercft`) and throws: a refusal with its description, an outage (the
     * limiter's Redis, the database) naming its cause. An outage of the database cannot be recorded there; the
     * surface's log line still names it.
     */
    async refuse(tenant: Tenant, type: LogType, client: ClientRow, err: unknown, context: RequestContext, user?: UserWithConnection): Promise<never> {
      const description = err instanceof OAuthError ? err.description : err instanceof DependencyUnavailableError ? unavailableDescription(err) : undefined;
      if (description === undefined) throw err;
      try {
        await events.record(tenant.id, { type, description, clientId: client.client_id, clientName: client.name, ...(user ? who(user) : {}) }, context);
      } catch (recordErr) {
        if (!(err instanceof DependencyUnavailableError)) throw recordErr;
      }
      throw err;
    },
  };
}

export type TokenExchange = ReturnType<typeof createTokenExchange>;
