import { GRANT_TYPES } from '../../../domain/grant-types.js';
import { requestContext } from '../../types.js';
import { authenticateClient } from '../client-auth.js';
import type { Grant } from './grant.js';

/** `http://auth0.com/oauth/grant-type/mfa-recovery-code`: mfa_token + recovery_code; answers with the next recovery code. */
export const mfaRecoveryCodeGrant: Grant = {
  grantType: GRANT_TYPES.mfaRecoveryCode,
  async handle(request, body, services) {
    const client = await authenticateClient(services, request, body, 'fercft');
    return services.mfaApi.exchangeRecoveryCode(request.tenant, client, body, requestContext(request));
  },
};
