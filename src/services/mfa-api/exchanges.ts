import { GRANT_TYPES } from '../../domain/grant-types.js';
import { OAuthError } from '../../errors/errors.js';
import type { ClientRow } from '../../store/repositories/clients.js';
import type { UserWithConnection } from '../../store/repositories/users.js';
import type { RequestContext } from '../context.js';
import type { PhoneMfa } from '../phone-mfa/index.js';
import type { Tenant } from '../tenants.js';
import type { TokenSet } from '../user-tokens.js';
import { orThrow } from './oauth-refusals.js';
import type { TokenExchange } from './token-exchange.js';

/** The two MFA grants: the code of an oob challenge, or the recovery code, for the tokens the first factor asked for. */
export function createExchanges({ phoneMfa, exchange }: { phoneMfa: PhoneMfa; exchange: TokenExchange }) {
  return {
    /**
     * `grant_type=http://auth0.com/oauth/grant-type/mfa-oob`: the code of an oob challenge (`binding_code`) for
     * the tokens the first factor asked for. Confirms a pending enrollment.
     */
    async exchangeOob(
      tenant: Tenant,
      client: ClientRow,
      input: { mfa_token?: string | undefined; oob_code?: string | undefined; binding_code?: string | undefined },
      context: RequestContext,
    ): Promise<TokenSet> {
      let user: UserWithConnection | undefined;
      try {
        const opened = await exchange.open(tenant, client, GRANT_TYPES.mfaOob, input.mfa_token);
        user = opened.user;
        const { transaction } = opened;
        orThrow(await phoneMfa.transactions.limitExchanges(tenant, transaction), 'exchange');
        if (!input.oob_code) throw new OAuthError('invalid_request', 'Missing required parameter: oob_code', { statusCode: 400 });
        if (!input.binding_code) throw new OAuthError('invalid_request', 'Missing required parameter: binding_code', { statusCode: 400 });
        const tokens = exchange.tokens(tenant, client, user, transaction, 'mfa-oob', context);
        const verified = await phoneMfa.verifyCode(tenant, transaction, user, client, { oobCode: input.oob_code, code: input.binding_code }, context, tokens);
        return orThrow(verified, 'exchange').result;
      } catch (err) {
        return exchange.refuse(tenant, 'feoobft', client, err, context, user);
      }
    },

    /**
     * `grant_type=http://auth0.com/oauth/grant-type/mfa-recovery-code`: the recovery code instead of the phone.
     * The code is used up; the response carries the next one (`recovery_code`), as in Auth0.
     */
    async exchangeRecoveryCode(
      tenant: Tenant,
      client: ClientRow,
      input: { mfa_token?: string | undefined; recovery_code?: string | undefined },
      context: RequestContext,
    ): Promise<TokenSet> {
      let user: UserWithConnection | undefined;
      try {
        const opened = await exchange.open(tenant, client, GRANT_TYPES.mfaRecoveryCode, input.mfa_token);
        user = opened.user;
        const { transaction } = opened;
        orThrow(await phoneMfa.transactions.limitExchanges(tenant, transaction), 'exchange');
        if (!input.recovery_code) throw new OAuthError('invalid_request', 'Missing required parameter: recovery_code', { statusCode: 400 });
        const tokens = exchange.tokens(tenant, client, user, transaction, 'mfa-recovery-code', context);
        const used = orThrow(await phoneMfa.useRecoveryCode(tenant, transaction, user, client, { recoveryCode: input.recovery_code }, context, tokens), 'exchange');
        return { ...used.result, recovery_code: used.recoveryCode };
      } catch (err) {
        return exchange.refuse(tenant, 'fercft', client, err, context, user);
      }
    },
  };
}
