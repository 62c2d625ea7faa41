import { GRANT_TYPES } from '../../../domain/grant-types.js';
import { requestContext } from '../../types.js';
import { authenticateClient } from '../client-auth.js';
import type { Grant } from './grant.js';

/** `client_credentials` with Auth0's `audience`: a Management API token carrying the client grant's scopes. */
export const clientCredentialsGrant: Grant = {
  grantType: GRANT_TYPES.clientCredentials,
  async handle(request, body, services) {
    const client = await authenticateClient(services, request, body, 'feccft');
    return services.authorization.clientCredentialsGrant(request.tenant, client, body, requestContext(request));
  },
};
