import type { Authenticators } from '../authenticators.js';
import type { SecondFactor } from '../authorization.js';
import type { Clients } from '../clients.js';
import type { ServiceDeps } from '../context.js';
import type { EventLog } from '../events.js';
import type { Guardian } from '../guardian.js';
import { FIRST_FACTORS, type PhoneMfa } from '../phone-mfa/index.js';
import type { Tokens } from '../tokens.js';
import type { UserTokens } from '../user-tokens.js';
import type { Users } from '../users.js';
import { createAssociate } from './associate.js';
import { createMfaAuthenticators } from './authenticators.js';
import { createMfaCallers } from './caller.js';
import { createChallenge } from './challenge.js';
import { createExchanges } from './exchanges.js';
import { createTokenExchange } from './token-exchange.js';

export type { MfaCaller } from './caller.js';
export type { AssociateInput, AssociateResult } from './associate.js';
export type { ChallengeInput } from './challenge.js';

/**
 * Auth0's MFA API for the phone factor, on the phone MFA core: the `mfa_required` start of the password grant, the
 * Bearer callers of `/mfa/*`, `/mfa/authenticators`, `/mfa/associate`, `/mfa/challenge`, and the `mfa-oob` and
 * `mfa-recovery-code` grants. It speaks OAuth (oauth-refusals.ts words the core's refusals); the core does not.
 */
export function createMfaApi(
  deps: ServiceDeps,
  services: { phoneMfa: PhoneMfa; users: Users; clients: Clients; guardian: Guardian; authenticators: Authenticators; userTokens: UserTokens; tokens: Tokens; events: EventLog },
) {
  const { phoneMfa, users, clients, guardian, authenticators, userTokens, tokens, events } = services;
  const callers = createMfaCallers({ users, tokens, clients, phoneMfa });
  const exchange = createTokenExchange({ clients, users, userTokens, events, callers });

  /** What the password grant needs (authorization.ts): whether a second factor is due, and the mfa_token of one. */
  const secondFactor: SecondFactor = {
    isRequired: (tenant, userId) => phoneMfa.isRequired(tenant, userId),
    start: (tenant, client, user, request, context) => phoneMfa.transactions.start(tenant, client, user, request, FIRST_FACTORS.password, context),
  };

  return {
    secondFactor,
    authenticate: callers.authenticate,
    associate: createAssociate({ clients, callers, phoneMfa }),
    challenge: createChallenge({ callers, phoneMfa }),
    ...createExchanges({ phoneMfa, exchange }),
    ...createMfaAuthenticators(deps, { guardian, authenticators, callers }),
  };
}

export type MfaApi = ReturnType<typeof createMfaApi>;
