import { verifyStoredPassword } from '../crypto/imported-password.js';
import { burnPasswordCheck, hashSecret } from '../crypto/password.js';
import { identifiersOf } from '../domain/brute-force.js';
import { newId } from '../domain/ids.js';
import { metadataProblem, metadataSizeProblem, type MetadataField } from '../domain/metadata-limits.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors/errors.js';
import { isUniqueViolation } from '../store/database.js';
import type { UserFilter, UserRow, UserWithConnection } from '../store/repositories/users.js';
import type { Repositories } from '../store/store.js';
import type { ServiceDeps } from './context.js';
import { DEFAULT_CONNECTION, type Tenant, isSupportedLocale } from './tenants.js';

type Metadata = Record<string, unknown>;

export interface UserInput {
  connection: string;
  email?: string;
  username?: string;
  password?: string;
  user_id?: string;
  phone_number?: string;
  email_verified?: boolean;
  verify_email?: boolean;
  blocked?: boolean;
  given_name?: string;
  family_name?: string;
  name?: string;
  nickname?: string;
  picture?: string;
  locale?: string;
  user_metadata?: Metadata;
  app_metadata?: Metadata;
}

export type UserPatch = Partial<Omit<UserInput, 'user_id' | 'connection' | 'verify_email' | 'user_metadata' | 'app_metadata'>> & {
  connection?: string;
  user_metadata?: Metadata | null;
  app_metadata?: Metadata | null;
};

/** Auth0's user object. */
export interface UserView {
  user_id: string;
  email?: string;
  email_verified: boolean;
  username?: string;
  phone_number?: string;
  name: string;
  nickname: string;
  given_name?: string;
  family_name?: string;
  picture: string;
  locale?: string;
  blocked: boolean;
  created_at: string;
  updated_at: string;
  last_login?: string;
  last_ip?: string;
  logins_count: number;
  identities: Array<{ connection: string; user_id: string; provider: 'auth0'; isSocial: false }>;
  user_metadata: Metadata;
  app_metadata: Metadata;
}

/** Auth0's connection object, reduced to what Guardline's database connections have. */
export interface ConnectionView {
  id: string;
  name: string;
  strategy: string;
  realms: string[];
}

/** Auth0's default password policy for a new database connection ("fair" ~ 8 characters). */
const MIN_PASSWORD_LENGTH = 8;
const MAX_PASSWORD_LENGTH = 128;

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw new ValidationError(`PasswordStrengthError: Password must be ${MIN_PASSWORD_LENGTH}–${MAX_PASSWORD_LENGTH} characters`);
  }
}

/** Auth0 merges metadata one level deep; a `null` value removes the key. */
export function mergeMetadata(current: Metadata, patch: Metadata | null | undefined): Metadata {
  if (patch === undefined) return current;
  if (patch === null) return {};
  const merged: Metadata = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

/**
 * The JSON to store for a user's metadata pair, refusing (before anything is written) a changed field that breaks
 * METADATA_LIMITS. Every check is iterative, so no caller-supplied nesting reaches JSON.stringify unbounded.
 */
function serialiseMetadata(values: Record<MetadataField, Metadata>, changed: MetadataField[]): Record<MetadataField, string> {
  for (const field of changed) {
    const problem = metadataProblem(field, values[field]);
    if (problem) throw new ValidationError(problem);
  }
  const serialised = { user_metadata: JSON.stringify(values.user_metadata), app_metadata: JSON.stringify(values.app_metadata) };
  const tooLarge = changed.length > 0 ? metadataSizeProblem(changed, serialised) : undefined;
  if (tooLarge) throw new ValidationError(tooLarge);
  return serialised;
}

const changedMetadata = (input: { user_metadata?: unknown; app_metadata?: unknown }): MetadataField[] =>
  (['user_metadata', 'app_metadata'] as const).filter((field) => input[field] !== undefined);

function defaultPicture(email: string | null): string {
  const initials = (email ?? 'u').slice(0, 2).toLowerCase();
  return `https://cdn.auth0.com/avatars/${encodeURIComponent(initials)}.png`;
}

export function toUserView(row: UserWithConnection): UserView {
  const view: UserView = {
    user_id: row.user_id,
    email_verified: row.email_verified === 1,
    name: row.name ?? row.email ?? row.username ?? row.user_id,
    nickname: row.nickname ?? (row.email ? row.email.split('@')[0]! : (row.username ?? '')),
    picture: row.picture ?? defaultPicture(row.email),
    blocked: row.blocked === 1,
    created_at: row.created_at,
    updated_at: row.updated_at,
    logins_count: row.logins_count,
    identities: [{ connection: row.connection_name, user_id: row.user_id.replace(/^auth0\|/, ''), provider: 'auth0', isSocial: false }],
    user_metadata: JSON.parse(row.user_metadata),
    app_metadata: JSON.parse(row.app_metadata),
  };
  const optional = {
    email: row.email,
    username: row.username,
    phone_number: row.phone_number,
    given_name: row.given_name,
    family_name: row.family_name,
    locale: row.locale,
    last_login: row.last_login,
    last_ip: row.last_ip,
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== null) (view as unknown as Record<string, unknown>)[key] = value;
  }
  return view;
}

export function createUsers({ store, clock, random }: ServiceDeps) {
  async function connectionNamed(tenant: Tenant, name: string) {
    const connection = await store.connections.findByName(tenant.id, name);
    if (!connection) throw new NotFoundError('connection', `The connection does not exist (${name})`);
    return connection;
  }

  async function find(tenant: Tenant, userId: string): Promise<UserWithConnection> {
    const row = await store.users.find(tenant.id, userId);
    if (!row) throw new NotFoundError('user', 'The user does not exist.');
    return row;
  }

  function checkLocale(locale: string | undefined): void {
    if (locale !== undefined && !isSupportedLocale(locale)) throw new ValidationError(`locale must be one of: en, ja`);
  }

  return {
    async create(tenant: Tenant, input: UserInput): Promise<UserView> {
      const connection = await connectionNamed(tenant, input.connection);
      if (!input.email) throw new ValidationError('Payload validation error: Missing required property: email');
      if (!input.password) throw new ValidationError('Payload validation error: Missing required property: password');
      checkPassword(input.password);
      checkLocale(input.locale);
      const metadata = serialiseMetadata({ user_metadata: input.user_metadata ?? {}, app_metadata: input.app_metadata ?? {} }, changedMetadata(input));
      const at = clock.now().toISOString();
      const row: UserRow = {
        user_id: input.user_id ? `auth0|${input.user_id}` : newId.user(random),
        tenant_id: tenant.id,
        connection_id: connection.id,
        email: input.email.toLowerCase(),
        email_verified: input.email_verified ? 1 : 0,
        username: input.username ?? null,
        phone_number: input.phone_number ?? null,
        password_hash: await hashSecret(input.password),
        name: input.name ?? null,
        nickname: input.nickname ?? null,
        given_name: input.given_name ?? null,
        family_name: input.family_name ?? null,
        picture: input.picture ?? null,
        locale: input.locale ?? null,
        blocked: input.blocked ? 1 : 0,
        user_metadata: metadata.user_metadata,
        app_metadata: metadata.app_metadata,
        logins_count: 0,
        last_login: null,
        last_ip: null,
        created_at: at,
        updated_at: at,
      };
      try {
        await store.users.insert(row);
      } catch (err) {
        if (isUniqueViolation(err)) throw new ConflictError('user', 'The user already exists.');
        throw err;
      }
      return toUserView({ ...row, connection_name: connection.name });
    },

    get: async (tenant: Tenant, userId: string) => toUserView(await find(tenant, userId)),

    async list(tenant: Tenant, filter: UserFilter, page: { offset: number; limit: number }, includeTotals: boolean) {
      const rows = await store.users.list(tenant.id, filter, page);
      const total = includeTotals ? await store.users.count(tenant.id, filter) : undefined;
      return { users: rows.map(toUserView), total };
    },

    async update(tenant: Tenant, userId: string, patch: UserPatch): Promise<UserView> {
      const row = await find(tenant, userId);
      if (patch.connection !== undefined && patch.connection !== row.connection_name) {
        throw new ValidationError(`Moving a user to another connection is not supported (the user is in ${row.connection_name})`);
      }
      if (patch.password !== undefined) checkPassword(patch.password);
      checkLocale(patch.locale);
      const changed = changedMetadata(patch);
      const metadata =
        changed.length === 0
          ? { user_metadata: row.user_metadata, app_metadata: row.app_metadata }
          : serialiseMetadata(
              {
                user_metadata: mergeMetadata(JSON.parse(row.user_metadata), patch.user_metadata),
                app_metadata: mergeMetadata(JSON.parse(row.app_metadata), patch.app_metadata),
              },
              changed,
            );
      const email = patch.email !== undefined ? patch.email.toLowerCase() : row.email;
      // As in Auth0: a new email address is unverified unless the same request says otherwise.
      const emailVerified = patch.email_verified ?? (email !== row.email ? false : row.email_verified === 1);
      const updated: UserWithConnection = {
        ...row,
        email,
        email_verified: emailVerified ? 1 : 0,
        username: patch.username ?? row.username,
        phone_number: patch.phone_number ?? row.phone_number,
        password_hash: patch.password !== undefined ? await hashSecret(patch.password) : row.password_hash,
        name: patch.name ?? row.name,
        nickname: patch.nickname ?? row.nickname,
        given_name: patch.given_name ?? row.given_name,
        family_name: patch.family_name ?? row.family_name,
        picture: patch.picture ?? row.picture,
        locale: patch.locale ?? row.locale,
        blocked: patch.blocked === undefined ? row.blocked : patch.blocked ? 1 : 0,
        user_metadata: metadata.user_metadata,
        app_metadata: metadata.app_metadata,
        updated_at: clock.now().toISOString(),
      };
      const { connection_name: _connectionName, ...columns } = updated;
      try {
        await store.users.update(tenant.id, userId, columns);
      } catch (err) {
        if (isUniqueViolation(err)) throw new ConflictError('user', 'The specified new email already exists');
        throw err;
      }
      // A new password is Guardline's password reset: as in Auth0, it lifts the brute-force blocks of the user's
      // identifiers (before and after this change, so a block on an address just replaced goes too).
      if (patch.password !== undefined) {
        await store.userBlocks.deleteFor(tenant.id, [...new Set([...identifiersOf(row), ...identifiersOf(updated)])]);
      }
      return toUserView(updated);
    },

    async remove(tenant: Tenant, userId: string): Promise<void> {
      if (!(await store.users.delete(tenant.id, userId))) throw new NotFoundError('user', 'The user does not exist.');
    },

    /**
     * Password login against a database connection (the default one unless `realm` names another). Returns the
     * user when the password matches, `undefined` otherwise; a missing user costs the same time as a wrong password.
     */
    async verifyPassword(tenant: Tenant, identifier: string, password: string, realm = DEFAULT_CONNECTION): Promise<
      { outcome: 'ok'; user: UserWithConnection } | { outcome: 'no_user' | 'wrong_password' | 'no_connection' }
    > {
      const found = await store.users.findForLoginByConnectionName(tenant.id, realm, identifier);
      if (!found) return { outcome: 'no_connection' };
      const { user } = found;
      if (!user || user.password_hash === null) {
        await burnPasswordCheck(password);
        return { outcome: 'no_user' };
      }
      const { matches, needsRehash } = await verifyStoredPassword(user.password_hash, password);
      if (!matches) return { outcome: 'wrong_password' };
      if (needsRehash) {
        // An imported hash (bcrypt, a custom algorithm) is replaced by Guardline's argon2id at the first login that
        // proves the password, as Auth0 does. A failed write costs nothing but a retry at the next login.
        const upgraded = await hashSecret(password);
        await store.users.update(tenant.id, user.user_id, { password_hash: upgraded }).catch(() => undefined);
      }
      return { outcome: 'ok', user };
    },

    async recordLogin(tenant: Tenant, user: UserWithConnection, ip: string | undefined, repos: Pick<Repositories, 'users'> = store): Promise<void> {
      await repos.users.update(tenant.id, user.user_id, {
        logins_count: user.logins_count + 1,
        last_login: clock.now().toISOString(),
        last_ip: ip ?? null,
      });
    },

    find: (tenant: Tenant, userId: string) => store.users.find(tenant.id, userId),

    /** The tenant's database connections (users belong to one), in Auth0's connection shape. */
    async listConnections(tenant: Tenant): Promise<ConnectionView[]> {
      const rows = await store.connections.list(tenant.id);
      return rows.map((r) => ({ id: r.id, name: r.name, strategy: r.strategy, realms: [r.name] }));
    },

    async getConnection(tenant: Tenant, id: string): Promise<ConnectionView> {
      const found = (await this.listConnections(tenant)).find((c) => c.id === id);
      if (!found) throw new NotFoundError('connection', 'The connection does not exist');
      return found;
    },
  };
}

export type Users = ReturnType<typeof createUsers>;
