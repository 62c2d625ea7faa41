import type { Kysely, Selectable } from 'kysely';
import type { Database, RememberedBrowsersTable } from '../schema.js';

export type RememberedBrowserRow = Selectable<RememberedBrowsersTable>;

export function rememberedBrowserRepository(db: Kysely<Database>) {
  return {
    insert: (row: RememberedBrowserRow) => db.insertInto('remembered_browsers').values(row).execute(),

    find: (tenantId: string, tokenHash: string): Promise<RememberedBrowserRow | undefined> =>
      db.selectFrom('remembered_browsers').selectAll().where('tenant_id', '=', tenantId).where('token_hash', '=', tokenHash).executeTakeFirst(),

    touch: (tenantId: string, tokenHash: string, at: string) =>
      db.updateTable('remembered_browsers').set({ last_used_at: at }).where('tenant_id', '=', tenantId).where('token_hash', '=', tokenHash).execute(),

    delete: (tenantId: string, tokenHash: string) => db.deleteFrom('remembered_browsers').where('tenant_id', '=', tenantId).where('token_hash', '=', tokenHash).execute(),

    /** Every remembered browser of a user goes when their phone does (a new phone is asked for on every browser). */
    deleteByUser: (tenantId: string, userId: string) => db.deleteFrom('remembered_browsers').where('tenant_id', '=', tenantId).where('user_id', '=', userId).execute(),
  };
}
