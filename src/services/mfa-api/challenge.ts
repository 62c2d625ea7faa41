import type { MessageChannel, TemplateLocale } from '../../domain/message-templates.js';
import { OAuthError } from '../../errors/errors.js';
import type { ClientRow } from '../../store/repositories/clients.js';
import { parseAuthenticatorId } from '../authenticators.js';
import type { RequestContext } from '../context.js';
import type { PhoneMfa } from '../phone-mfa/index.js';
import type { Tenant } from '../tenants.js';
import type { MfaCallers } from './caller.js';
import { oauthRefusal, orThrow } from './oauth-refusals.js';

export interface ChallengeInput {
  mfa_token?: string | undefined;
  challenge_type?: string | undefined;
  authenticator_id?: string | undefined;
  oob_channel?: string | undefined;
}

/**
 * `POST /mfa/challenge`: a new code to an enrolled phone, by SMS or voice. Auth0's `challenge_type`,
 * `authenticator_id` (`sms|…`, `voice|…`, `phone|…`, `dev_…`) and `oob_channel` are resolved here to one phone and
 * one channel; the core checks and sends.
 */
export function createChallenge({ callers, phoneMfa }: { callers: MfaCallers; phoneMfa: PhoneMfa }) {
  return async function challenge(tenant: Tenant, client: ClientRow, input: ChallengeInput, locale: TemplateLocale, context: RequestContext) {
    callers.requireOobGrant(client);
    if (!input.mfa_token) throw new OAuthError('invalid_request', 'Missing required parameter: mfa_token');
    if (!input.challenge_type) throw new OAuthError('invalid_request', 'Missing required parameter: challenge_type');
    const { transaction, user } = await callers.openMfaToken(tenant, input.mfa_token, client.client_id);
    const types = input.challenge_type.split(/\s+/).filter(Boolean);

    const phones = orThrow(await phoneMfa.confirmedPhones(tenant, user.user_id), 'challenge');
    if (!types.includes('oob') || phones.length === 0) throw oauthRefusal({ code: 'no_phone_authenticator' }, 'challenge');
    if (input.oob_channel !== undefined && input.oob_channel !== 'sms' && input.oob_channel !== 'voice') {
      throw new OAuthError('invalid_request', 'oob_channel must be "sms" or "voice"');
    }
    let authenticator = phones[0]!;
    let channel = input.oob_channel as MessageChannel | undefined;
    if (input.authenticator_id !== undefined) {
      const parsed = parseAuthenticatorId(input.authenticator_id);
      const found = parsed && phones.find((a) => a.id === parsed.deviceId);
      if (!parsed || !found || parsed.kind === 'recovery-code') throw new OAuthError('invalid_request', 'authenticator_id does not name an enrolled phone authenticator of this user');
      authenticator = found;
      if (parsed.kind === 'sms' || parsed.kind === 'voice') {
        if (input.oob_channel !== undefined && input.oob_channel !== parsed.kind) throw new OAuthError('invalid_request', `oob_channel ${input.oob_channel} contradicts authenticator ${input.authenticator_id}`);
        channel = parsed.kind;
      }
    }
    const sent = orThrow(await phoneMfa.sendChallenge(tenant, transaction, user, client, { authenticator, channel }, locale, context), 'challenge');
    return { challenge_type: 'oob' as const, oob_code: sent.oobCode, binding_method: 'prompt' as const };
  };
}

