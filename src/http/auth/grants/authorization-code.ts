import { GRANT_TYPES } from '../../../domain/grant-types.js';
import { requestContext } from '../../types.js';
import { authenticateClient } from '../client-auth.js';
import type { Grant } from './grant.js';

/** `authorization_code`: the code from `/authorize`, its redirect_uri and (PKCE) the code_verifier. */
export const authorizationCodeGrant: Grant = {
  grantType: GRANT_TYPES.authorizationCode,
  async handle(request, body, services) {
    const client = await authenticateClient(services, request, body, 'feacft');
    return services.authorization.exchangeCode(request.tenant, client, body, requestContext(request));
  },
};
