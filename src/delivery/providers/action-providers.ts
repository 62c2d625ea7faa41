import { Type } from '@sinclair/typebox';
import type { Localised, ProviderDefinition, SendOutcome } from '../kit.js';

/**
 * The two providers that are tenant code (issue 11): Auth0's guardian selected provider `phone-message-hook` (the
 * send-phone-message action) and the Unified Phone provider `custom` (the custom-phone-provider action). These static
 * definitions are what the registry lists and the Management API validates (`custom` takes no configuration:
 * Auth0's `{delivery_methods}` only). Unbound they answer Auth0's "no deployed action" error; the delivery service
 * swaps in the bound definition (services/phone-actions/run.ts) when the tenant has a deployed, bound action.
 */

/** Auth0's error for a custom phone provider without a deployed action (sic: Auth0 names it after e-mail). */
export const NO_DEPLOYED_ACTION = 'custom_email_provider_deployed_action_not_found';

export const TRIGGER_OF_PROVIDER = { 'phone-message-hook': 'send-phone-message', custom: 'custom-phone-provider' } as const;
export type ActionProviderId = keyof typeof TRIGGER_OF_PROVIDER;

function unboundDefinition(id: ActionProviderId, displayName: Localised): ProviderDefinition {
  return {
    id,
    displayName,
    channels: ['sms', 'voice'],
    configSchema: Type.Object({}, { additionalProperties: false }),
    fields: [],
    defaultBaseUrl: '',
    baseUrlSetting: '',
    receipts: false,
    create: () => ({
      send: async (): Promise<SendOutcome> => ({
        kind: 'misconfigured',
        error: { errorCode: NO_DEPLOYED_ACTION, message: `No deployed action is bound to the ${TRIGGER_OF_PROVIDER[id]} trigger: deploy one and bind it (Management API, /api/v2/actions).` },
      }),
    }),
  };
}

export const CUSTOM_PHONE_PROVIDER = unboundDefinition('custom', { en: 'Custom (Action)', ja: 'カスタム (Action)' });
export const PHONE_MESSAGE_HOOK_PROVIDER = unboundDefinition('phone-message-hook', { en: 'Custom (send-phone-message Action)', ja: 'カスタム (send-phone-message Action)' });
