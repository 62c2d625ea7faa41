import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { Dialect } from './database.js';
import { authenticatorRepository } from './repositories/authenticators.js';
import { authorizationCodeRepository } from './repositories/authorization-codes.js';
import { clientGrantRepository } from './repositories/client-grants.js';
import { clientRepository } from './repositories/clients.js';
import { connectionRepository } from './repositories/connections.js';
import { devInboxRepository } from './repositories/dev-inbox.js';
import { enrollmentTicketRepository } from './repositories/enrollment-tickets.js';
import { guardianRepository } from './repositories/guardian.js';
import { logRepository } from './repositories/logs.js';
import { mfaRepository } from './repositories/mfa.js';
import { refreshTokenRepository } from './repositories/refresh-tokens.js';
import { loginSessionRepository } from './repositories/login-sessions.js';
import { signingKeyRepository } from './repositories/signing-keys.js';
import { tenantRepository } from './repositories/tenants.js';
import { userRepository } from './repositories/users.js';
import { attackProtectionRepository } from './repositories/attack-protection.js';
import { phoneFraudRepository } from './repositories/phone-fraud.js';
import { userBlockRepository } from './repositories/user-blocks.js';
import { deliveryRepository } from './repositories/deliveries.js';
import { providerConfigRepository } from './repositories/provider-configs.js';
import { rememberedBrowserRepository } from './repositories/remembered-browsers.js';
import { loginCompletionRepository } from './repositories/login-completions.js';
import { loginSettingsRepository } from './repositories/login-settings.js';
import { brandingRepository } from './repositories/branding.js';
import { actionCacheRepository, actionRetryRepository } from './repositories/action-runtime.js';
import { actionRepository } from './repositories/actions.js';
import { logStreamRepository } from './repositories/log-streams.js';
import { userJobRepository } from './repositories/user-jobs.js';
import { promptCustomTextRepository } from './repositories/prompt-custom-texts.js';

function repositories(db: Kysely<Database>) {
  return {
    tenants: tenantRepository(db),
    connections: connectionRepository(db),
    clients: clientRepository(db),
    users: userRepository(db),
    userJobs: userJobRepository(db),
    promptCustomTexts: promptCustomTextRepository(db),
    clientGrants: clientGrantRepository(db),
    signingKeys: signingKeyRepository(db),
    authorizationCodes: authorizationCodeRepository(db),
    refreshTokens: refreshTokenRepository(db),
    loginSessions: loginSessionRepository(db),
    logs: logRepository(db),
    guardian: guardianRepository(db),
    authenticators: authenticatorRepository(db),
    mfa: mfaRepository(db),
    devInbox: devInboxRepository(db),
    enrollmentTickets: enrollmentTicketRepository(db),
    attackProtection: attackProtectionRepository(db),
    phoneFraud: phoneFraudRepository(db),
    userBlocks: userBlockRepository(db),
    providerConfigs: providerConfigRepository(db),
    deliveries: deliveryRepository(db),
    rememberedBrowsers: rememberedBrowserRepository(db),
    loginCompletions: loginCompletionRepository(db),
    loginSettings: loginSettingsRepository(db),
    branding: brandingRepository(db),
    actions: actionRepository(db),
    actionCache: actionCacheRepository(db),
    actionRetries: actionRetryRepository(db),
    logStreams: logStreamRepository(db),
  };
}

export type Repositories = ReturnType<typeof repositories>;

/**
 * The store the services are given: repositories, plus `transaction(fn)` which hands `fn` the same
 * repositories bound to one transaction, so a use case that writes twice writes both or neither.
 */
export interface Store extends Repositories {
  dialect: Dialect;
  transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T>;
}

export function createStore(db: Kysely<Database>, dialect: Dialect): Store {
  return {
    ...repositories(db),
    dialect,
    transaction: (fn) => db.transaction().execute((trx) => fn(repositories(trx))),
  };
}
