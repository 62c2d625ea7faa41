import { newId } from '../domain/ids.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors/errors.js';
import type { TenantRow } from '../store/repositories/tenants.js';
import { isUniqueViolation } from '../store/database.js';
import type { ServiceDeps } from './context.js';
import type { SigningKeys } from './signing-keys.js';

export const SUPPORTED_LOCALES = ['en', 'ja'] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];
export const isSupportedLocale = (value: string): value is Locale => (SUPPORTED_LOCALES as readonly string[]).includes(value);

/** The database connection every tenant starts with, named as in Auth0. */
export const DEFAULT_CONNECTION = 'Username-Password-Authentication';

export const TENANT_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export interface Tenant {
  id: string;
  name: string;
  friendlyName: string;
  defaultLocale: Locale;
  supportedLocales: Locale[];
  /** Host (with port when the public URL has one) the tenant is served at. */
  domain: string;
  /** `{scheme}://{domain}/`: the `iss` of every token of this tenant. */
  issuer: string;
  /** The Management API identifier: `{scheme}://{domain}/api/v2/`. */
  managementAudience: string;
  /** Every audience accepted as this tenant's Management API (canonical and custom domains). */
  managementAudiences: string[];
  /**
   * The tenant's configuration version as read with this tenant (migration 0004): what lets a node serve the
   * tenant's keys, factors, settings and clients from its in-process cache (config-cache.ts).
   */
  configVersion: number;
}

export interface TenantSettingsPatch {
  friendlyName?: string;
  defaultLocale?: string;
  supportedLocales?: string[];
}

export function createTenants({ store, clock, random, config }: ServiceDeps, signingKeys: SigningKeys) {
  const scheme = config.publicUrl.protocol.replace(':', '');
  const port = config.publicUrl.port ? `:${config.publicUrl.port}` : '';

  function canonicalHost(name: string): string {
    return name === config.defaultTenant ? `${config.baseDomain}${port}` : `${name}.${config.baseDomain}${port}`;
  }

  /** `custom`: the tenant's custom domains when the caller already read them with the row. */
  async function toTenant(row: TenantRow, custom?: string[]): Promise<Tenant> {
    const domain = canonicalHost(row.name);
    custom ??= (await store.tenants.listDomains(row.id)).map((d) => d.domain);
    const supported = (JSON.parse(row.supported_locales) as string[]).filter(isSupportedLocale);
    return {
      id: row.id,
      name: row.name,
      friendlyName: row.friendly_name,
      defaultLocale: isSupportedLocale(row.default_locale) ? row.default_locale : 'en',
      supportedLocales: supported,
      domain,
      issuer: `${scheme}://${domain}/`,
      managementAudience: `${scheme}://${domain}/api/v2/`,
      managementAudiences: [
        `${scheme}://${domain}/api/v2/`,
        ...custom.flatMap((d) => [`https://${d}/api/v2/`, `http://${d}/api/v2/`]),
      ],
      configVersion: row.config_version,
    };
  }

  function validateLocales(defaultLocale: string, supported: string[]): void {
    const unknown = supported.filter((l) => !isSupportedLocale(l));
    if (unknown.length > 0) throw new ValidationError(`Unsupported locale(s): ${unknown.join(', ')}. Supported: ${SUPPORTED_LOCALES.join(', ')}`);
    if (supported.length === 0) throw new ValidationError('supported locales must not be empty');
    if (!supported.includes(defaultLocale)) throw new ValidationError(`default locale "${defaultLocale}" must be one of the supported locales`);
  }

  return {
    async create(input: { name: string; friendlyName?: string; defaultLocale?: string; supportedLocales?: string[] }): Promise<Tenant> {
      if (!TENANT_NAME_PATTERN.test(input.name)) {
        throw new ValidationError('tenant name: lower-case letters, digits and hyphens, 1–63 characters, not starting or ending with a hyphen');
      }
      const defaultLocale = input.defaultLocale ?? 'en';
      const supported = input.supportedLocales ?? [...SUPPORTED_LOCALES];
      validateLocales(defaultLocale, supported);
      const at = clock.now().toISOString();
      const row: TenantRow = {
        id: newId.tenant(random),
        name: input.name,
        friendly_name: input.friendlyName ?? input.name,
        default_locale: defaultLocale,
        supported_locales: JSON.stringify(supported),
        created_at: at,
        updated_at: at,
        config_version: 0,
      };
      try {
        await store.transaction(async (tx) => {
          await tx.tenants.insert(row);
          await tx.connections.insert({ id: newId.connection(random), tenant_id: row.id, name: DEFAULT_CONNECTION, strategy: 'auth0', created_at: at });
          await signingKeys.initialise(row.id, tx);
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new ConflictError('tenant', `A tenant named "${input.name}" already exists`);
        throw err;
      }
      return toTenant(row);
    },

    /** By id (background work that has no request to resolve the tenant from: action retries). */
    async findById(id: string): Promise<Tenant | undefined> {
      const row = await store.tenants.findById(id);
      return row ? toTenant(row) : undefined;
    },

    async findByName(name: string): Promise<Tenant | undefined> {
      const found = await store.tenants.findByNameWithDomains(name);
      return found ? toTenant(found.row, found.domains) : undefined;
    },

    async list(): Promise<Tenant[]> {
      return Promise.all((await store.tenants.list()).map((row) => toTenant(row)));
    },

    /**
     * Which tenant a request is for, from its Host header: a mapped custom domain, `{name}.{base domain}`,
     * or the default tenant for the base domain and any other host (single-tenant installs, IP access).
     * Returns undefined for a subdomain of the base domain that names no tenant.
     */
    async resolveHost(hostHeader: string | undefined): Promise<Tenant | undefined> {
      const host = (hostHeader ?? '').toLowerCase();
      const hostname = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : (host.split(':')[0] ?? '');
      // A custom domain may be mapped with or without its port.
      const customDomain = async () => {
        const row = await store.tenants.findByDomain([host, hostname]);
        return row ? toTenant(row) : undefined;
      };
      const suffix = `.${config.baseDomain}`;
      if (hostname.endsWith(suffix)) {
        const label = hostname.slice(0, -suffix.length);
        const found = TENANT_NAME_PATTERN.test(label) ? await store.tenants.findByNameWithDomains(label) : undefined;
        return found ? toTenant(found.row, found.domains) : customDomain();
      }
      if (hostname !== config.baseDomain) {
        const custom = await customDomain();
        if (custom) return custom;
      }
      const fallback = await store.tenants.findByNameWithDomains(config.defaultTenant);
      return fallback ? toTenant(fallback.row, fallback.domains) : undefined;
    },

    async addCustomDomain(tenantId: string, domain: string): Promise<void> {
      const normalised = domain.toLowerCase();
      if (!/^[a-z0-9.-]+(:\d+)?$/.test(normalised)) throw new ValidationError(`"${domain}" is not a host name`);
      try {
        await store.tenants.addDomain(tenantId, normalised, clock.now().toISOString());
      } catch (err) {
        if (isUniqueViolation(err)) throw new ConflictError('custom_domain', `The domain "${domain}" is already mapped`);
        throw err;
      }
    },

    /** The tenant's custom domains, oldest name first, with when each was mapped. */
    listCustomDomains: (tenantId: string) => store.tenants.listDomains(tenantId),

    async removeCustomDomain(tenantId: string, domain: string): Promise<void> {
      if (!(await store.tenants.removeDomain(tenantId, domain))) throw new NotFoundError('custom_domain', 'The custom domain does not exist');
    },

    async updateSettings(tenant: Tenant, patch: TenantSettingsPatch): Promise<Tenant> {
      const row = await store.tenants.findById(tenant.id);
      if (!row) throw new NotFoundError('tenant', 'Tenant not found');
      const defaultLocale = patch.defaultLocale ?? row.default_locale;
      const supported = patch.supportedLocales ?? (JSON.parse(row.supported_locales) as string[]);
      validateLocales(defaultLocale, supported);
      const changes = {
        friendly_name: patch.friendlyName ?? row.friendly_name,
        default_locale: defaultLocale,
        supported_locales: JSON.stringify(supported),
        updated_at: clock.now().toISOString(),
      };
      await store.tenants.update(tenant.id, changes);
      return toTenant({ ...row, ...changes });
    },
  };
}

export type Tenants = ReturnType<typeof createTenants>;
