import type { BuiltinSmsUpstream } from '../config/load.js';
import type { MessageChannel } from '../domain/message-templates.js';
import { builtinProvider } from './builtin.js';
import type { DevInboxWriter } from './dev-inbox.js';
import type { ProviderDefinition } from './kit.js';

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
export function shippedProviders(builtin: { devInbox: DevInboxWriter; upstream: BuiltinSmsUpstream | undefined }): ProviderDefinition[] {
  return [builtinProvider(builtin)];
}

/**
 * Cross-field rules of a provider's configuration that a schema cannot say, for the channels the tenant enabled:
 * one English sentence, or undefined. The Management API answers 400 with it.
 */
type ConfigCheck = (config: Record<string, unknown>, channels: readonly MessageChannel[]) => string | undefined;

const CONFIG_CHECKS: Record<string, ConfigCheck> = {
  // Interim until the Twilio provider module lands (its twilioConfigProblem replaces this): voice needs a From number.
  twilio: (config, channels) =>
    channels.includes('voice') && !(typeof config.from === 'string' && config.from !== '')
      ? 'Twilio voice calls need a From number (from), even when SMS uses a Messaging Service: set from, or disable voice first.'
      : undefined,
};

export function configProblem(providerId: string, config: Record<string, unknown>, channels: readonly MessageChannel[]): string | undefined {
  return CONFIG_CHECKS[providerId]?.(config, channels);
}
