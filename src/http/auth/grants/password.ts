import { GRANT_TYPES } from '../../../domain/grant-types.js';
import { requestContext } from '../../types.js';
import { authenticateClient } from '../client-auth.js';
import type { Grant } from './grant.js';

/** `password` (Auth0's Resource Owner Password grant): username and password for user tokens. */
export const passwordGrant: Grant = {
  grantType: GRANT_TYPES.password,
  async handle(request, body, services) {
    const client = await authenticateClient(services, request, body, 'fepft');
    return services.authorization.passwordGrant(request.tenant, client, body, requestContext(request));
  },
};
