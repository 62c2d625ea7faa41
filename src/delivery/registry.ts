import type { BuiltinSmsUpstream } from '../config/load.js';
import type { MessageChannel } from '../domain/message-templates.js';
import { builtinProvider } from './builtin.js';
import type { DevInboxWriter } from './dev-inbox.js';
import type { ProviderDefinition } from './kit.js';
import { CUSTOM_PHONE_PROVIDER } from './providers/action-providers.js';
import { amazonSns } from './providers/amazon-sns.js';
import { clicksend } from './providers/clicksend.js';
import { esendex } from './providers/esendex.js';
import { infobip } from './providers/infobip.js';
import { mitto } from './providers/mitto.js';
import { telesign } from './providers/telesign.js';
import { twilioConfigProblem, twilioProvider } from './providers/twilio.js';
import { vonage } from './providers/vonage.js';

/**
 * The registry: the only list of delivery providers. Everything that needs to know which providers exist (the
 * Management API's validation, the delivery chain, the dashboard's forms) asks it; nothing decides by a provider's
 * name what it can do — voice support is the definition's `channels`.
 */
export interface ProviderRegistry {
  list(): readonly ProviderDefinition[];
  get(id: string): ProviderDefinition | undefined;
  /** Whether provider `id` can carry `channel` (false for an unknown id). */
  supports(id: string, channel: MessageChannel): boolean;
  /** The API base URL of `definition`: its setting from the configuration, else its default; no trailing slash. */
  baseUrl(definition: ProviderDefinition): string;
}

export function createProviderRegistry(definitions: readonly ProviderDefinition[], baseUrls: Readonly<Record<string, string>> = {}): ProviderRegistry {
  const byId = new Map<string, ProviderDefinition>();
  for (const definition of definitions) {
    if (byId.has(definition.id)) throw new Error(`two delivery providers share the id ${definition.id}`);
    byId.set(definition.id, definition);
  }
  return {
    list: () => [...byId.values()],
    get: (id) => byId.get(id),
    supports: (id, channel) => byId.get(id)?.channels.includes(channel) ?? false,
    baseUrl: (definition) => (baseUrls[definition.baseUrlSetting] ?? definition.defaultBaseUrl).replace(/\/$/, ''),
  };
}

/** The built-in provider's id (Auth0's `auth0` provider: evaluation only, capped by the delivery service). */
export const BUILTIN_PROVIDER_ID = 'auth0';

/**
 * Every provider Guardline ships, the built-in one first, in the order the dashboard lists them. The built-in
 * provider is built from its dependencies (the dev inbox, the instance-wide upstream); vendor providers are plain
 * definitions.
 */
export function shippedProviders(builtin: { devInbox: DevInboxWriter; upstream: BuiltinSmsUpstream | undefined; fetch: typeof fetch }): ProviderDefinition[] {
  return [builtinProvider(builtin), twilioProvider, amazonSns, vonage, infobip, telesign, esendex, clicksend, mitto, CUSTOM_PHONE_PROVIDER] as ProviderDefinition[];
}

/**
 * Cross-field rules of a provider's configuration that a schema cannot say, for the channels the tenant enabled:
 * one English sentence, or undefined. The Management API answers 400 with it.
 */
type ConfigCheck = (config: Record<string, unknown>, channels: readonly MessageChannel[]) => string | undefined;

const CONFIG_CHECKS: Record<string, ConfigCheck> = {
  // A sender is needed, and voice always needs a From number (a Messaging Service only sends SMS).
  twilio: (config, channels) =>
    twilioConfigProblem({ from: typeof config.from === 'string' ? config.from : null, messaging_service_sid: typeof config.messaging_service_sid === 'string' ? config.messaging_service_sid : null }, channels),
};

export function configProblem(providerId: string, config: Record<string, unknown>, channels: readonly MessageChannel[]): string | undefined {
  return CONFIG_CHECKS[providerId]?.(config, channels);
}
