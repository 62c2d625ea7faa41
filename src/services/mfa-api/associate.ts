import type { MessageChannel, TemplateLocale } from '../../domain/message-templates.js';
import { OAuthError } from '../../errors/errors.js';
import type { Clients } from '../clients.js';
import type { RequestContext } from '../context.js';
import type { PhoneMfa } from '../phone-mfa/index.js';
import type { Tenant } from '../tenants.js';
import type { MfaCaller, MfaCallers } from './caller.js';
import { orThrow } from './oauth-refusals.js';

export interface AssociateInput {
  authenticator_types: string[];
  oob_channels?: string[] | undefined;
  phone_number?: string | undefined;
}

export interface AssociateResult {
  authenticator_type: 'oob';
  binding_method: 'prompt';
  oob_channel: MessageChannel;
  oob_code: string;
  recovery_codes?: string[];
}

/**
 * `POST /mfa/associate` for an SMS or voice authenticator: Auth0's parameters checked here, the enrolment itself (a
 * pending phone, a recovery code on the first one, the code sent) by the core.
 */
export function createAssociate({ clients, callers, phoneMfa }: { clients: Clients; callers: MfaCallers; phoneMfa: PhoneMfa }) {
  return async function associate(tenant: Tenant, caller: MfaCaller, input: AssociateInput, locale: TemplateLocale, context: RequestContext): Promise<AssociateResult> {
    callers.requireScope(caller, 'enroll');
    callers.requireOobGrant(await clients.find(tenant, caller.kind === 'mfa_token' ? caller.transaction.client_id : caller.clientId));
    if (!input.authenticator_types.includes('oob')) {
      throw new OAuthError('invalid_request', 'authenticator_types: only "oob" (SMS and voice) authenticators can be enrolled');
    }
    const channels = input.oob_channels ?? [];
    const channel = channels[0];
    if (channels.length !== 1 || (channel !== 'sms' && channel !== 'voice')) {
      throw new OAuthError('invalid_request', 'oob_channels must be ["sms"] or ["voice"]');
    }
    // An access token enrolling another authenticator gets a transaction of its own, made once the request is good.
    const transaction =
      caller.kind === 'mfa_token'
        ? caller.transaction
        : () => phoneMfa.transactions.forAccessToken(tenant, { token: caller.token, clientId: caller.clientId, userId: caller.user.user_id, scopes: caller.scopes, expiresAt: caller.expiresAt });
    const started = orThrow(
      await phoneMfa.beginEnrolment(tenant, transaction, caller.user, { phoneNumber: input.phone_number, channel, additional: caller.kind === 'access_token' }, locale, context),
      'associate',
      { phoneNumber: input.phone_number },
    );
    return {
      authenticator_type: 'oob',
      binding_method: 'prompt',
      oob_channel: started.channel,
      oob_code: started.oobCode,
      ...(started.recoveryCode ? { recovery_codes: [started.recoveryCode] } : {}),
    };
  };
}
