import { GRANT_TYPES } from '../../../domain/grant-types.js';
import { requestContext } from '../../types.js';
import { authenticateClient } from '../client-auth.js';
import type { Grant } from './grant.js';

/** `http://auth0.com/oauth/grant-type/mfa-oob`: mfa_token + oob_code + binding_code (the code the user received). */
export const mfaOobGrant: Grant = {
  grantType: GRANT_TYPES.mfaOob,
  async handle(request, body, services) {
    const client = await authenticateClient(services, request, body, 'feoobft');
    return services.mfaApi.exchangeOob(request.tenant, client, body, requestContext(request));
  },
};
