import type { Kysely, Selectable } from 'kysely';
import { prepared } from '../prepared.js';
import type { AuthenticatorsTable, Database } from '../schema.js';

export type AuthenticatorRow = Selectable<AuthenticatorsTable>;

/** Every MFA request lists the user's authenticators: compiled once (prepared.ts). */
const byUser = prepared((db, tenantId: string, userId: string) =>
  db.selectFrom('authenticators').selectAll().where('tenant_id', '=', tenantId).where('user_id', '=', userId).orderBy('created_at').orderBy('id'),
);

export function authenticatorRepository(db: Kysely<Database>) {
  return {
    insert: (row: AuthenticatorRow) => db.insertInto('authenticators').values(row).execute(),
    find: (tenantId: string, id: string) =>
      db.selectFrom('authenticators').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst(),
    listByUser: async (tenantId: string, userId: string): Promise<AuthenticatorRow[]> => (await byUser(db, tenantId, userId)).rows,
    update: (tenantId: string, id: string, patch: Partial<Omit<AuthenticatorRow, 'id' | 'tenant_id' | 'user_id'>>) =>
      db.updateTable('authenticators').set(patch).where('tenant_id', '=', tenantId).where('id', '=', id).execute(),
    /** Confirms a pending authenticator; false when it was not pending (already confirmed or gone). */
    async confirm(tenantId: string, id: string, at: string): Promise<boolean> {
      const result = await db
        .updateTable('authenticators')
        .set({ status: 'confirmed', enrolled_at: at, last_auth_at: at })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async delete(tenantId: string, id: string): Promise<boolean> {
      const result = await db.deleteFrom('authenticators').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },
    async deleteByUser(tenantId: string, userId: string, type?: string): Promise<number> {
      let query = db.deleteFrom('authenticators').where('tenant_id', '=', tenantId).where('user_id', '=', userId);
      if (type) query = query.where('type', '=', type);
      const result = await query.executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
