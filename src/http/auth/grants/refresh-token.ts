import { GRANT_TYPES } from '../../../domain/grant-types.js';
import { requestContext } from '../../types.js';
import { authenticateClient } from '../client-auth.js';
import type { Grant } from './grant.js';

/** `refresh_token`: a new access token (and id_token) for a refresh token issued to this client. */
export const refreshTokenGrant: Grant = {
  grantType: GRANT_TYPES.refreshToken,
  async handle(request, body, services) {
    const client = await authenticateClient(services, request, body, 'fertft');
    return services.authorization.refresh(request.tenant, client, body, requestContext(request));
  },
};
