import type { Kysely, Selectable } from 'kysely';
import { prepared } from '../prepared.js';
import type { Database, UsersTable } from '../schema.js';

/** Every password login: the connection and the user in one statement, compiled once (prepared.ts). */
const loginLookup = prepared((db, tenantId: string, connectionName: string, email: string, username: string) =>
  db
    .selectFrom('connections')
    .leftJoin('users', (join) =>
      join
        .onRef('users.connection_id', '=', 'connections.id')
        .on('users.tenant_id', '=', tenantId)
        .on((eb) => eb.or([eb('users.email', '=', email), eb('users.username', '=', username)])),
    )
    .selectAll('users')
    .select('connections.name as connection_name')
    .where('connections.tenant_id', '=', tenantId)
    .where('connections.name', '=', connectionName),
);

export type UserRow = Selectable<UsersTable>;
export type UserWithConnection = UserRow & { connection_name: string };

export interface UserFilter {
  email?: string;
  username?: string;
  connectionName?: string;
}

export function userRepository(db: Kysely<Database>) {
  const base = (tenantId: string) =>
    db
      .selectFrom('users')
      .innerJoin('connections', 'connections.id', 'users.connection_id')
      .selectAll('users')
      .select('connections.name as connection_name')
      .where('users.tenant_id', '=', tenantId);

  const filtered = (tenantId: string, filter: UserFilter) => {
    let q = base(tenantId);
    if (filter.email !== undefined) q = q.where('users.email', '=', filter.email.toLowerCase());
    if (filter.username !== undefined) q = q.where('users.username', '=', filter.username);
    if (filter.connectionName !== undefined) q = q.where('connections.name', '=', filter.connectionName);
    return q;
  };

  return {
    find: (tenantId: string, userId: string): Promise<UserWithConnection | undefined> =>
      base(tenantId).where('users.user_id', '=', userId).executeTakeFirst(),
    /**
     * The password login's lookup in one statement: whether connection `connectionName` exists, and the user of it
     * with this email (case-insensitive) or username.
     */
    async findForLoginByConnectionName(tenantId: string, connectionName: string, identifier: string): Promise<{ user: UserWithConnection | undefined } | undefined> {
      const row = (await loginLookup(db, tenantId, connectionName, identifier.toLowerCase(), identifier)).rows[0];
      if (!row) return undefined;
      return { user: row.user_id === null ? undefined : (row as UserWithConnection) };
    },
    list: (tenantId: string, filter: UserFilter, page: { offset: number; limit: number }): Promise<UserWithConnection[]> =>
      filtered(tenantId, filter).orderBy('users.created_at').orderBy('users.user_id').offset(page.offset).limit(page.limit).execute(),
    async count(tenantId: string, filter: UserFilter): Promise<number> {
      const rows = await filtered(tenantId, filter).clearSelect().select((eb) => eb.fn.countAll<string | number>().as('n')).execute();
      return Number(rows[0]?.n ?? 0);
    },
    insert: (row: UserRow) => db.insertInto('users').values(row).execute(),
    update: (tenantId: string, userId: string, patch: Partial<Omit<UserRow, 'user_id' | 'tenant_id' | 'created_at'>>) =>
      db.updateTable('users').set(patch).where('tenant_id', '=', tenantId).where('user_id', '=', userId).execute(),
    async delete(tenantId: string, userId: string): Promise<boolean> {
      const result = await db.deleteFrom('users').where('tenant_id', '=', tenantId).where('user_id', '=', userId).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
