import type { ProviderMessage } from '../delivery/kit.js';
import type { UserView } from '../services/users.js';

/**
 * The `event` objects Auth0 hands each phone trigger, built from the delivery path's message (pure: no I/O). Field
 * names and values follow Auth0's event references (docs/actions.md lists them). `event.secrets` is added by the
 * caller, right before the run.
 */

export interface EventContext {
  message: ProviderMessage;
  /** The user's profile as the Management API shows it (absent for a provider test message). */
  user: UserView | undefined;
  client: { client_id: string; name: string; metadata: Record<string, string> } | undefined;
  /** Guardline's `from` number for the custom provider (Auth0's `notification.from`), when configured. */
  from?: string;
}

function request(message: ProviderMessage) {
  const { ip, language, userAgent, hostname } = message.request;
  return {
    ip: ip ?? '',
    language,
    method: 'POST',
    ...(userAgent ? { user_agent: userAgent } : {}),
    ...(hostname ? { hostname } : {}),
    // No GeoIP database ships with Guardline: the country is the destination number's, which is what phone rules use.
    geoip: {},
  };
}

function user(profile: UserView | undefined, message: ProviderMessage) {
  if (!profile) return { user_id: message.user.id, name: message.user.name, app_metadata: {}, user_metadata: {} };
  // Everything the Management API shows except `identities`, which Unified Phone removed and send-phone-message keeps.
  return profile;
}

/** `send-phone-message` (classic phone factor, selected provider `phone-message-hook`). */
export function sendPhoneMessageEvent({ message, user: profile, client }: EventContext): Record<string, unknown> {
  return {
    message_options: {
      action: message.purpose === 'enrollment' ? 'enrollment' : 'second-factor-authentication',
      code: message.code,
      message_type: message.channel,
      recipient: message.to,
      text: message.text,
      language: message.locale,
    },
    user: user(profile, message),
    ...(client ? { client } : {}),
    request: request(message),
    tenant: { id: message.tenant.id },
  };
}

/** `custom-phone-provider` (Unified Phone provider `custom`): both renderings of the message are given. */
export function customPhoneProviderEvent(context: EventContext, renderings: { asText: string; asVoice: string }): Record<string, unknown> {
  const { message, user: profile, client, from } = context;
  const { identities: _identities, ...withoutIdentities } = user(profile, message) as Record<string, unknown>;
  return {
    notification: {
      as_text: renderings.asText,
      as_voice: renderings.asVoice,
      code: message.code,
      delivery_method: message.channel === 'sms' ? 'text' : 'voice',
      ...(from ? { from } : {}),
      locale: message.locale,
      message_type: message.purpose === 'enrollment' ? 'otp_enroll' : 'otp_verify',
      recipient: message.to,
    },
    user: withoutIdentities,
    ...(client ? { client } : {}),
    request: request(message),
    tenant: { id: message.tenant.id, friendly_name: message.tenant.friendlyName },
  };
}
