import { Value } from '@sinclair/typebox/value';
import type { ProviderDefinition } from '../delivery/kit.js';
import { BUILTIN_PROVIDER_ID, configProblem, type ProviderRegistry } from '../delivery/registry.js';
import { newId } from '../domain/ids.js';
import type { MessageChannel } from '../domain/message-templates.js';
import { NotFoundError, PreconditionError, ValidationError } from '../errors/errors.js';
import type { ProviderConfigRow } from '../store/repositories/provider-configs.js';
import type { RequestContext, ServiceDeps } from './context.js';
import type { ConfigCache } from './config-cache.js';
import type { EventLog } from './events.js';
import { maskSecret } from './guardian.js';
import type { Tenant } from './tenants.js';

/**
 * A tenant's provider configurations: the links of its delivery chain, one table for both API shapes (the guardian
 * Twilio endpoints and `/branding/phone/providers`). Fields a definition marks secret are sealed before they are
 * stored, opened only to send, and answered masked (`****` and the last four characters). Every change writes
 * `gd_tenant_update` (secrets left out).
 */

/** A configuration opened for sending: secrets in clear. Never returned by an API, never logged. */
export interface ProviderConfig {
  id: string;
  tenantId: string;
  definition: ProviderDefinition;
  config: Record<string, unknown>;
  enabled: boolean;
  position: number;
  countries: string[] | null;
  /** The channels this configuration carries (its own restriction, within its provider's). */
  channels: MessageChannel[];
}

/** What the APIs show: secrets masked. */
export interface ProviderConfigView {
  id: string;
  provider: string;
  configuration: Record<string, unknown>;
  enabled: boolean;
  position: number;
  countries: string[] | null;
  channels: MessageChannel[];
  created_at: string;
  updated_at: string;
}

export interface ProviderConfigInput {
  provider: string;
  configuration: Record<string, unknown>;
  enabled?: boolean;
  position?: number;
  countries?: string[] | null;
  /** null = every channel the provider supports */
  channels?: MessageChannel[] | null;
}

export type ProviderConfigPatch = Partial<Omit<ProviderConfigInput, 'provider'>>;

/** What the guardian Twilio endpoints answer (Auth0's four fields). */
export interface TwilioSettingsView {
  sid: string | null;
  from: string | null;
  messaging_service_sid: string | null;
  auth_token: string | null;
}

const TWILIO = 'twilio';
const COUNTRY = /^[A-Z]{2}$/;
const maskedRefusal = (field: string) => `configuration.${field}: send the full secret (a masked value is accepted only unchanged from GET, to keep the stored one)`;
/** The Twilio fields of the guardian endpoints, in their answer's order; `auth_token` is the secret. */
const TWILIO_FIELDS = ['sid', 'from', 'messaging_service_sid', 'auth_token'] as const;

export function createProviderConfigs(
  { store, clock, random, secretBox }: ServiceDeps,
  {
    events,
    registry,
    cache,
    providerProblem,
  }: {
    events: EventLog;
    registry: ProviderRegistry;
    cache: ConfigCache;
    /** Why a configuration of `providerId` cannot be added yet (`custom` without a deployed, bound action), if it cannot. */
    providerProblem?: (tenant: Tenant, providerId: string) => Promise<string | undefined>;
  },
) {
  const nowIso = () => clock.now().toISOString();
  const secretNames = (definition: ProviderDefinition | undefined, provider: string) =>
    new Set(definition ? definition.fields.filter((f) => f.secret).map((f) => f.name) : provider === TWILIO ? ['auth_token'] : []);

  function definitionOf(provider: string): ProviderDefinition {
    const definition = registry.get(provider);
    if (!definition || definition.id === BUILTIN_PROVIDER_ID) {
      const known = registry.list().filter((d) => d.id !== BUILTIN_PROVIDER_ID).map((d) => d.id);
      throw new ValidationError(`name: "${provider}" is not a delivery provider of this Guardline (known: ${known.join(', ') || 'none'})`);
    }
    return definition;
  }

  function seal(provider: string, config: Record<string, unknown>): string {
    const secrets = secretNames(registry.get(provider), provider);
    const sealed = Object.fromEntries(Object.entries(config).map(([k, v]) => [k, secrets.has(k) && typeof v === 'string' ? secretBox.seal(v) : v]));
    return JSON.stringify(sealed);
  }

  function open(row: ProviderConfigRow): Record<string, unknown> {
    const secrets = secretNames(registry.get(row.provider), row.provider);
    const stored = JSON.parse(row.config) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(stored).map(([k, v]) => [k, secrets.has(k) && typeof v === 'string' ? secretBox.open(v) : v]));
  }

  function masked(row: ProviderConfigRow): Record<string, unknown> {
    const secrets = secretNames(registry.get(row.provider), row.provider);
    const config = open(row);
    return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, secrets.has(k) && typeof v === 'string' ? maskSecret(v) : v]));
  }

  const channelsOf = (row: ProviderConfigRow): MessageChannel[] => {
    const supported = registry.get(row.provider)?.channels ?? [];
    const own = row.channels === null ? null : (JSON.parse(row.channels) as MessageChannel[]);
    return supported.filter((c) => own === null || own.includes(c));
  };

  function checkChannels(definition: ProviderDefinition, channels: MessageChannel[] | null | undefined): MessageChannel[] | null {
    if (channels === undefined || channels === null) return null;
    const unsupported = channels.find((c) => !definition.channels.includes(c));
    if (unsupported) throw new ValidationError(`${definition.id} cannot carry ${unsupported === 'sms' ? 'SMS' : 'voice calls'}`);
    if (channels.length === 0) throw new ValidationError('at least one delivery method is required');
    return [...new Set(channels)];
  }

  const view = (row: ProviderConfigRow): ProviderConfigView => ({
    id: row.id,
    provider: row.provider,
    configuration: masked(row),
    enabled: row.enabled === 1,
    position: row.position,
    countries: row.countries === null ? null : (JSON.parse(row.countries) as string[]),
    channels: channelsOf(row),
    created_at: row.created_at,
    updated_at: row.updated_at,
  });

  /**
   * A masked secret sent back unchanged (as read from GET) keeps the stored one; any other masked-looking value is
   * refused rather than stored as the secret.
   */
  function keepMaskedSecrets(provider: string, input: Record<string, unknown>, stored: Record<string, unknown> | undefined, refusal: (field: string) => string): Record<string, unknown> {
    const secrets = secretNames(registry.get(provider), provider);
    const out = { ...input };
    for (const name of secrets) {
      const value = out[name];
      if (typeof value !== 'string' || !value.startsWith('****')) continue;
      const current = stored?.[name];
      if (typeof current === 'string' && value === maskSecret(current)) out[name] = current;
      else throw new ValidationError(refusal(name));
    }
    return out;
  }

  /** The definition's own schema (the same the API documents), then its cross-field rule for the enabled channels. */
  function validate(definition: ProviderDefinition, config: Record<string, unknown>, channels: readonly MessageChannel[]): void {
    const first = [...Value.Errors(definition.configSchema, config)][0];
    if (first) {
      const where = first.path ? first.path.slice(1).replace(/\//g, '.') : '';
      throw new ValidationError(`configuration${where ? `.${where}` : ''}: ${first.message}`);
    }
    const problem = configProblem(definition.id, config, channels);
    if (problem) throw new ValidationError(`configuration: ${problem}`);
  }

  function checkCountries(countries: string[] | null | undefined): string[] | null {
    if (countries === undefined || countries === null) return null;
    const upper = [...new Set(countries.map((c) => c.toUpperCase()))];
    const bad = upper.find((c) => !COUNTRY.test(c));
    if (bad !== undefined) throw new ValidationError(`countries: "${bad}" is not an ISO 3166-1 alpha-2 code (e.g. JP, US)`);
    return upper;
  }

  async function enabledChannels(tenant: Tenant): Promise<MessageChannel[]> {
    const settings = await store.guardian.findSettings(tenant.id);
    return settings ? (JSON.parse(settings.phone_message_types) as MessageChannel[]) : ['sms'];
  }

  async function record(tenant: Tenant, setting: string, details: Record<string, unknown>, context: RequestContext, tx: Parameters<EventLog['record']>[3]) {
    await events.record(tenant.id, { type: 'gd_tenant_update', description: `Guardian tenant update: ${setting}`, details: { setting, ...details } }, context, tx);
  }

  async function findRow(tenant: Tenant, id: string): Promise<ProviderConfigRow> {
    const row = await store.providerConfigs.find(tenant.id, id);
    if (!row) throw new NotFoundError('phone_provider', 'Phone provider has not been configured');
    return row;
  }

  const twilioView = (row: ProviderConfigRow | undefined): TwilioSettingsView => {
    const config = row ? masked(row) : {};
    const field = (name: (typeof TWILIO_FIELDS)[number]) => (typeof config[name] === 'string' ? (config[name] as string) : null);
    return { sid: field('sid'), from: field('from'), messaging_service_sid: field('messaging_service_sid'), auth_token: field('auth_token') };
  };

  return {
    view,
    masked,

    async list(tenant: Tenant): Promise<ProviderConfigView[]> {
      return (await store.providerConfigs.listByTenant(tenant.id)).map(view);
    },

    async get(tenant: Tenant, id: string): Promise<ProviderConfigView> {
      return view(await findRow(tenant, id));
    },

    /**
     * The tenant's enabled configurations, opened for sending, in chain order (unknown providers left out), from the
     * versioned configuration cache (every write of provider_configs bumps the tenant's version, migration 0005), so
     * a send through a chain reads no extra statement once warm. Shared: callers must not mutate it.
     */
    chain(tenant: Tenant): Promise<ProviderConfig[]> {
      return cache.read(tenant, 'delivery:chain', async () => {
        const rows = await store.providerConfigs.listByTenant(tenant.id);
        return rows.flatMap((row) => {
          const definition = registry.get(row.provider);
          if (row.enabled !== 1 || !definition) return [];
          return [{ id: row.id, tenantId: row.tenant_id, definition, config: open(row), enabled: true, position: row.position, countries: row.countries === null ? null : (JSON.parse(row.countries) as string[]), channels: channelsOf(row) }];
        });
      });
    },

    /** One configuration opened (the receipt endpoint), whatever its tenant; undefined when unknown. */
    async openById(id: string): Promise<ProviderConfig | undefined> {
      const row = await store.providerConfigs.findById(id);
      const definition = row && registry.get(row.provider);
      if (!row || !definition) return undefined;
      return { id: row.id, tenantId: row.tenant_id, definition, config: open(row), enabled: row.enabled === 1, position: row.position, countries: row.countries === null ? null : (JSON.parse(row.countries) as string[]), channels: channelsOf(row) };
    },

    async create(tenant: Tenant, input: ProviderConfigInput, context: RequestContext): Promise<ProviderConfigView> {
      const definition = definitionOf(input.provider);
      const problem = providerProblem && (await providerProblem(tenant, definition.id));
      if (problem) throw new PreconditionError('no_deployed_action', problem);
      const config = keepMaskedSecrets(definition.id, input.configuration, undefined, maskedRefusal);
      const channels = checkChannels(definition, input.channels);
      validate(definition, config, (await enabledChannels(tenant)).filter((c) => channels === null || channels.includes(c)));
      const countries = checkCountries(input.countries);
      const at = nowIso();
      const row: ProviderConfigRow = {
        id: newId.phoneProvider(random),
        tenant_id: tenant.id,
        provider: definition.id,
        config: seal(definition.id, config),
        enabled: input.enabled === false ? 0 : 1,
        position: input.position ?? (await store.providerConfigs.nextPosition(tenant.id)),
        countries: countries === null ? null : JSON.stringify(countries),
        channels: channels === null ? null : JSON.stringify(channels),
        created_at: at,
        updated_at: at,
      };
      await store.transaction(async (tx) => {
        await tx.providerConfigs.insert(row);
        await record(tenant, `phone/providers/${row.id}`, { provider: row.provider, enabled: row.enabled === 1, position: row.position, countries }, context, tx);
      });
      return view(row);
    },

    async update(tenant: Tenant, id: string, patch: ProviderConfigPatch, context: RequestContext): Promise<ProviderConfigView> {
      const row = await findRow(tenant, id);
      const definition = definitionOf(row.provider);
      if (patch.enabled === true && row.enabled === 0) {
        const problem = providerProblem && (await providerProblem(tenant, definition.id));
        if (problem) throw new PreconditionError('no_deployed_action', problem);
      }
      const stored = open(row);
      const config = patch.configuration === undefined ? stored : keepMaskedSecrets(definition.id, { ...stored, ...patch.configuration }, stored, maskedRefusal);
      const channels = patch.channels === undefined ? (row.channels === null ? null : (JSON.parse(row.channels) as MessageChannel[])) : checkChannels(definition, patch.channels);
      validate(definition, config, (await enabledChannels(tenant)).filter((c) => channels === null || channels.includes(c)));
      const countries = patch.countries === undefined ? (row.countries === null ? null : (JSON.parse(row.countries) as string[])) : checkCountries(patch.countries);
      const next = {
        config: seal(definition.id, config),
        enabled: patch.enabled === undefined ? row.enabled : patch.enabled ? 1 : 0,
        position: patch.position ?? row.position,
        countries: countries === null ? null : JSON.stringify(countries),
        channels: channels === null ? null : JSON.stringify(channels),
        updated_at: nowIso(),
      };
      await store.transaction(async (tx) => {
        await tx.providerConfigs.update(tenant.id, id, next);
        await record(tenant, `phone/providers/${id}`, { provider: row.provider, enabled: next.enabled === 1, position: next.position, countries }, context, tx);
      });
      return view({ ...row, ...next });
    },

    async remove(tenant: Tenant, id: string, context: RequestContext): Promise<void> {
      const row = await findRow(tenant, id);
      await store.transaction(async (tx) => {
        await tx.providerConfigs.delete(tenant.id, id);
        await record(tenant, `phone/providers/${id}`, { provider: row.provider, deleted: true }, context, tx);
      });
    },

    /** Why enabling `channels` would break the tenant's configured providers (voice needs a Twilio From), if it would. */
    async channelsProblem(tenant: Tenant, channels: readonly MessageChannel[]): Promise<string | undefined> {
      // Only enabling voice is checked here: an incomplete configuration stays allowed, as Auth0's schema allows it.
      if (!channels.includes('voice')) return undefined;
      for (const row of await store.providerConfigs.listByTenant(tenant.id)) {
        if (row.enabled !== 1) continue;
        const problem = configProblem(row.provider, open(row), channels);
        if (problem) return problem;
      }
      return undefined;
    },

    /** The guardian Twilio endpoints' view: the tenant's first `twilio` configuration. */
    async twilioSettings(tenant: Tenant): Promise<TwilioSettingsView> {
      return twilioView(await store.providerConfigs.findFirstOf(tenant.id, TWILIO));
    },

    /**
     * Replaces the Twilio settings (Auth0's PUT semantics: a field left out becomes null) in the tenant's `twilio`
     * row. Auth0's schema has no required field, so the row may be incomplete (sending then reports it
     * misconfigured); only a rule that would break a send the tenant enabled is refused: voice without a From.
     */
    async setTwilio(tenant: Tenant, input: Partial<Record<(typeof TWILIO_FIELDS)[number], string | null>>, context: RequestContext): Promise<TwilioSettingsView> {
      const existing = await store.providerConfigs.findFirstOf(tenant.id, TWILIO);
      const stored = existing ? open(existing) : undefined;
      let config: Record<string, unknown> = Object.fromEntries(TWILIO_FIELDS.flatMap((f) => (input[f] === undefined || input[f] === null ? [] : [[f, input[f]]])));
      config = keepMaskedSecrets(TWILIO, config, stored, () => 'auth_token: send the full Twilio auth token (a masked value is accepted only unchanged from GET, to keep the stored token)');
      const channels = await enabledChannels(tenant);
      // Only the voice rule: Auth0's schema has no required field, so an incomplete row is accepted (and reported misconfigured when used).
      const problem = channels.includes('voice') ? configProblem(TWILIO, config, channels) : undefined;
      if (problem) throw new ValidationError(problem);
      const at = nowIso();
      const details = {
        sid: (config.sid as string | undefined) ?? null,
        from: (config.from as string | undefined) ?? null,
        messaging_service_sid: (config.messaging_service_sid as string | undefined) ?? null,
        auth_token_set: typeof config.auth_token === 'string',
      };
      let row: ProviderConfigRow;
      if (existing) {
        row = { ...existing, config: seal(TWILIO, config), updated_at: at };
      } else {
        row = { id: newId.phoneProvider(random), tenant_id: tenant.id, provider: TWILIO, config: seal(TWILIO, config), enabled: 1, position: await store.providerConfigs.nextPosition(tenant.id), countries: null, channels: null, created_at: at, updated_at: at };
      }
      await store.transaction(async (tx) => {
        if (existing) await tx.providerConfigs.update(tenant.id, row.id, { config: row.config, updated_at: at });
        else await tx.providerConfigs.insert(row);
        await record(tenant, 'phone/providers/twilio', details, context, tx);
      });
      return twilioView(row);
    },
  };
}

export type ProviderConfigs = ReturnType<typeof createProviderConfigs>;
