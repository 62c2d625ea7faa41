import type { ClientSecrets } from '../crypto/client-secret.js';
import { chosenClientSecretProblem } from '../domain/client-secrets.js';
import {
  type AppType,
  type GrantType,
  type TokenEndpointAuthMethod,
  defaultAuthMethod,
  defaultGrantTypes,
  isGrantType,
} from '../domain/grant-types.js';
import { newId } from '../domain/ids.js';
import { DEFAULT_REFRESH_TOKEN_POLICY, mergeRefreshTokenPolicy, parseRefreshTokenPolicy, type RefreshTokenPolicy } from '../domain/refresh-token-policy.js';
import { originProblem } from '../domain/web-origins.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors/errors.js';
import { isUniqueViolation } from '../store/database.js';
import type { ClientFilter, ClientRow } from '../store/repositories/clients.js';
import type { Repositories } from '../store/store.js';
import type { ServiceDeps } from './context.js';
import type { ConfigCache } from './config-cache.js';
import type { Tenant } from './tenants.js';

export interface ClientInput {
  name: string;
  description?: string;
  app_type?: AppType;
  is_first_party?: boolean;
  token_endpoint_auth_method?: TokenEndpointAuthMethod;
  grant_types?: string[];
  callbacks?: string[];
  allowed_logout_urls?: string[];
  web_origins?: string[];
  allowed_origins?: string[];
  refresh_token?: Partial<RefreshTokenPolicy>;
  client_metadata?: Record<string, string>;
}

export type ClientPatch = Partial<ClientInput>;

/** Auth0's client object. `client_secret` appears only in the responses that create or rotate it. */
export interface ClientView {
  tenant: string;
  client_id: string;
  name: string;
  description: string;
  app_type: string;
  is_first_party: boolean;
  token_endpoint_auth_method: string;
  grant_types: string[];
  callbacks: string[];
  allowed_logout_urls: string[];
  web_origins: string[];
  allowed_origins: string[];
  refresh_token: RefreshTokenPolicy;
  client_metadata: Record<string, string>;
  client_secret?: string;
}

export function createClients({ store, clock, random }: ServiceDeps, { secrets, cache }: { secrets: ClientSecrets; cache: ConfigCache }) {
  function view(tenant: Tenant, row: ClientRow, clientSecret?: string): ClientView {
    return {
      tenant: tenant.name,
      client_id: row.client_id,
      name: row.name,
      description: row.description,
      app_type: row.app_type,
      is_first_party: row.is_first_party === 1,
      token_endpoint_auth_method: row.token_endpoint_auth_method,
      grant_types: JSON.parse(row.grant_types),
      callbacks: JSON.parse(row.callbacks),
      allowed_logout_urls: JSON.parse(row.allowed_logout_urls),
      web_origins: JSON.parse(row.web_origins),
      allowed_origins: JSON.parse(row.allowed_origins),
      refresh_token: parseRefreshTokenPolicy(row.refresh_token),
      client_metadata: JSON.parse(row.client_metadata),
      ...(clientSecret !== undefined ? { client_secret: clientSecret } : {}),
    };
  }

  function checkGrantTypes(grantTypes: string[]): GrantType[] {
    const unknown = grantTypes.filter((g) => !isGrantType(g));
    if (unknown.length > 0) throw new ValidationError(`Unsupported grant type(s): ${unknown.join(', ')}`);
    return [...new Set(grantTypes)] as GrantType[];
  }

  function checkUrls(field: string, urls: string[]): string[] {
    for (const url of urls) {
      try {
        const parsed = new URL(url);
        if (parsed.hash) throw new Error('fragment');
      } catch {
        throw new ValidationError(`${field}: "${url}" is not an absolute URL without a fragment`);
      }
    }
    return urls;
  }

  function checkOrigins(field: string, origins: string[]): string {
    for (const origin of origins) {
      const problem = originProblem(origin);
      if (problem) throw new ValidationError(`${field}: "${origin}" ${problem}`);
    }
    return JSON.stringify([...new Set(origins)]);
  }

  /** The stored policy after `patch`; '' while it is Auth0's default, so an untouched client stays untouched. */
  function checkRefreshToken(stored: string, patch: Partial<RefreshTokenPolicy> | undefined): string {
    if (patch === undefined) return stored;
    const merged = mergeRefreshTokenPolicy(parseRefreshTokenPolicy(stored), patch);
    if (typeof merged === 'string') throw new ValidationError(`refresh_token: ${merged}`);
    return JSON.stringify(merged) === JSON.stringify(DEFAULT_REFRESH_TOKEN_POLICY) ? '' : JSON.stringify(merged);
  }

  async function find(tenant: Tenant, clientId: string): Promise<ClientRow> {
    const row = await store.clients.find(tenant.id, clientId);
    if (!row) throw new NotFoundError('client', 'The client does not exist');
    return row;
  }

  return {
    /**
     * Creates an application and returns it with its secret, the only time the secret is shown (it is stored
     * as a keyed hash, see crypto/client-secret.ts). `credentials` lets the bootstrap choose the id and secret;
     * a chosen secret must be long (domain/client-secrets.ts).
     */
    async create(
      tenant: Tenant,
      input: ClientInput,
      credentials: { clientId?: string; clientSecret?: string } = {},
      repos: Pick<Repositories, 'clients'> = store,
    ): Promise<ClientView> {
      const appType = input.app_type ?? 'regular_web';
      const authMethod = input.token_endpoint_auth_method ?? defaultAuthMethod(appType);
      if (credentials.clientSecret !== undefined) {
        const problem = chosenClientSecretProblem(credentials.clientSecret);
        if (problem) throw new ValidationError(`client_secret ${problem}`);
      }
      const secret = authMethod === 'none' ? undefined : (credentials.clientSecret ?? newId.clientSecret(random));
      const clientId = credentials.clientId ?? newId.clientId(random);
      const at = clock.now().toISOString();
      const row: ClientRow = {
        client_id: clientId,
        tenant_id: tenant.id,
        name: input.name,
        description: input.description ?? '',
        app_type: appType,
        is_first_party: input.is_first_party === false ? 0 : 1,
        token_endpoint_auth_method: authMethod,
        client_secret_hash: secret === undefined ? null : secrets.hash(clientId, secret),
        grant_types: JSON.stringify(checkGrantTypes(input.grant_types ?? defaultGrantTypes(appType))),
        callbacks: JSON.stringify(checkUrls('callbacks', input.callbacks ?? [])),
        allowed_logout_urls: JSON.stringify(checkUrls('allowed_logout_urls', input.allowed_logout_urls ?? [])),
        client_metadata: JSON.stringify(input.client_metadata ?? {}),
        created_at: at,
        updated_at: at,
        web_origins: checkOrigins('web_origins', input.web_origins ?? []),
        allowed_origins: checkOrigins('allowed_origins', input.allowed_origins ?? []),
        refresh_token: checkRefreshToken('', input.refresh_token),
      };
      try {
        await repos.clients.insert(row);
      } catch (err) {
        if (isUniqueViolation(err)) throw new ConflictError('client', 'A client with this client_id already exists');
        throw err;
      }
      return view(tenant, row, secret);
    },

    async get(tenant: Tenant, clientId: string): Promise<ClientView> {
      return view(tenant, await find(tenant, clientId));
    },

    async list(tenant: Tenant, filter: ClientFilter, page: { offset: number; limit: number }, includeTotals: boolean) {
      const rows = await store.clients.list(tenant.id, filter, page);
      const total = includeTotals ? await store.clients.count(tenant.id, filter) : undefined;
      return { clients: rows.map((r) => view(tenant, r)), total };
    },

    /**
     * Auth0's "All Applications" global client, which every Auth0 tenant has and lists with `is_global=true`
     * (a0deploy reads its Classic Login page from it). Guardline has no tenant-wide login page, so this is a
     * read-only view of the tenant with nothing configured, not a stored client: it issues no tokens.
     */
    globalClient(tenant: Tenant): ClientView & { global: true } {
      return {
        tenant: tenant.name,
        client_id: `global-${tenant.id}`,
        name: 'All Applications',
        description: '',
        app_type: 'regular_web',
        is_first_party: true,
        token_endpoint_auth_method: 'none',
        grant_types: [],
        callbacks: [],
        allowed_logout_urls: [],
        web_origins: [],
        allowed_origins: [],
        refresh_token: { ...DEFAULT_REFRESH_TOKEN_POLICY },
        client_metadata: {},
        global: true,
      };
    },

    async update(tenant: Tenant, clientId: string, patch: ClientPatch): Promise<ClientView> {
      const row = await find(tenant, clientId);
      const authMethod = patch.token_endpoint_auth_method ?? (row.token_endpoint_auth_method as TokenEndpointAuthMethod);
      let secret: string | undefined;
      let secretHash = row.client_secret_hash;
      if (authMethod === 'none') secretHash = null;
      else if (secretHash === null) {
        // A public client that becomes confidential needs a secret: issue one and show it this once.
        secret = newId.clientSecret(random);
        secretHash = secrets.hash(clientId, secret);
      }
      const updated: ClientRow = {
        ...row,
        name: patch.name ?? row.name,
        description: patch.description ?? row.description,
        app_type: patch.app_type ?? row.app_type,
        is_first_party: patch.is_first_party === undefined ? row.is_first_party : patch.is_first_party ? 1 : 0,
        token_endpoint_auth_method: authMethod,
        client_secret_hash: secretHash,
        grant_types: patch.grant_types ? JSON.stringify(checkGrantTypes(patch.grant_types)) : row.grant_types,
        callbacks: patch.callbacks ? JSON.stringify(checkUrls('callbacks', patch.callbacks)) : row.callbacks,
        allowed_logout_urls: patch.allowed_logout_urls
          ? JSON.stringify(checkUrls('allowed_logout_urls', patch.allowed_logout_urls))
          : row.allowed_logout_urls,
        client_metadata: patch.client_metadata ? JSON.stringify(patch.client_metadata) : row.client_metadata,
        web_origins: patch.web_origins ? checkOrigins('web_origins', patch.web_origins) : row.web_origins,
        allowed_origins: patch.allowed_origins ? checkOrigins('allowed_origins', patch.allowed_origins) : row.allowed_origins,
        refresh_token: checkRefreshToken(row.refresh_token, patch.refresh_token),
        updated_at: clock.now().toISOString(),
      };
      await store.clients.update(tenant.id, clientId, updated);
      return view(tenant, updated, secret);
    },

    async remove(tenant: Tenant, clientId: string): Promise<void> {
      if (!(await store.clients.delete(tenant.id, clientId))) throw new NotFoundError('client', 'The client does not exist');
    },

    /** Auth0's `POST /api/v2/clients/{id}/rotate-secret`: a new secret, shown once; the old one stops working. */
    async rotateSecret(tenant: Tenant, clientId: string): Promise<ClientView> {
      const row = await find(tenant, clientId);
      if (row.token_endpoint_auth_method === 'none') throw new ValidationError('A public client (token_endpoint_auth_method "none") has no secret');
      const secret = newId.clientSecret(random);
      const updated = { ...row, client_secret_hash: secrets.hash(clientId, secret), updated_at: clock.now().toISOString() };
      await store.clients.update(tenant.id, clientId, updated);
      return view(tenant, updated, secret);
    },

    /**
     * Rewrites a legacy (argon2id) secret hash as the keyed hash of the same secret, after that secret was
     * verified: one conditional UPDATE, so a concurrent second rewrite (same value: the hash is deterministic) or
     * a rotation in between is harmless.
     */
    async upgradeSecretHash(row: ClientRow, verifiedSecret: string): Promise<void> {
      if (row.client_secret_hash === null) return;
      await store.clients.replaceSecretHash(row.tenant_id, row.client_id, row.client_secret_hash, secrets.hash(row.client_id, verifiedSecret));
    },

    grantTypesOf: (row: ClientRow): string[] => JSON.parse(row.grant_types),
    callbacksOf: (row: ClientRow): string[] => JSON.parse(row.callbacks),
    logoutUrlsOf: (row: ClientRow): string[] => JSON.parse(row.allowed_logout_urls),
    /** Origins a browser app of this client runs on: CORS on `/oauth/token`; `web_origins` alone for `web_message`. */
    webOriginsOf: (row: ClientRow): string[] => JSON.parse(row.web_origins),
    corsOriginsOf: (row: ClientRow): string[] => [...JSON.parse(row.web_origins), ...JSON.parse(row.allowed_origins)],
    refreshTokenPolicyOf: (row: ClientRow): RefreshTokenPolicy => parseRefreshTokenPolicy(row.refresh_token),
    /** Every origin any client of the tenant allows (CORS on `/userinfo` and the JWKS), cached like the clients. */
    tenantOrigins: (tenant: Tenant): Promise<string[]> => cache.read(tenant, 'client-origins', () => store.clients.origins(tenant.id)),
    /** The client as authentication and the grants see it, from the tenant's versioned configuration cache. */
    find: (tenant: Tenant, clientId: string) => cache.read(tenant, `client:${clientId}`, () => store.clients.find(tenant.id, clientId)),
  };
}

export type Clients = ReturnType<typeof createClients>;
