import type { ServiceDeps } from './context.js';
import { createClientGrants } from './client-grants.js';
import { createClients } from './clients.js';
import { createEventLog } from './events.js';
import { createSigningKeys } from './signing-keys.js';
import { createTenants } from './tenants.js';
import { createTokens } from './tokens.js';
import { createUsers } from './users.js';

/** Builds every use case from the injected adapters. The HTTP layer and the CLI both start here. */
export function buildServices(deps: ServiceDeps) {
  const signingKeys = createSigningKeys(deps);
  const tenants = createTenants(deps, signingKeys);
  const tokens = createTokens(deps, signingKeys);
  return {
    deps,
    tenants,
    signingKeys,
    tokens,
    events: createEventLog(deps),
    clients: createClients(deps),
    users: createUsers(deps),
    clientGrants: createClientGrants(deps),
  };
}

export type Services = ReturnType<typeof buildServices>;
