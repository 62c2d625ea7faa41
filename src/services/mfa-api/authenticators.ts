import { OAuthError } from '../../errors/errors.js';
import { mfaAuthenticatorViews, type Authenticators, type MfaAuthenticatorView } from '../authenticators.js';
import type { RequestContext, ServiceDeps } from '../context.js';
import type { Guardian } from '../guardian.js';
import type { Tenant } from '../tenants.js';
import type { MfaCaller, MfaCallers } from './caller.js';

/** `GET /mfa/authenticators` and `DELETE /mfa/authenticators/{id}`. */
export function createMfaAuthenticators({ store }: ServiceDeps, { guardian, authenticators, callers }: { guardian: Guardian; authenticators: Authenticators; callers: MfaCallers }) {
  return {
    /** The phone as sms/voice authenticators (per the tenant's message types) and the recovery code. */
    async listAuthenticators(tenant: Tenant, caller: MfaCaller): Promise<MfaAuthenticatorView[]> {
      callers.requireScope(caller, 'read:authenticators');
      const { messageTypes } = await guardian.settings(tenant);
      const rows = await store.authenticators.listByUser(tenant.id, caller.user.user_id);
      return rows.flatMap((row) => mfaAuthenticatorViews(row, messageTypes));
    },

    /** Needs an MFA API access token with `remove:authenticators`; an sms or voice id removes the phone (both channels). */
    async deleteAuthenticator(tenant: Tenant, caller: MfaCaller, authenticatorId: string, context: RequestContext): Promise<void> {
      if (caller.kind !== 'access_token') {
        throw new OAuthError('access_denied', 'Removing an authenticator needs an access token for the MFA API with the remove:authenticators scope, not an mfa_token.');
      }
      callers.requireScope(caller, 'remove:authenticators');
      const row = await authenticators.find(tenant, authenticatorId);
      if (!row || row.user_id !== caller.user.user_id) throw new OAuthError('invalid_request', 'Authenticator not found', { statusCode: 404 });
      await authenticators.remove(tenant, row, context);
    },
  };
}
