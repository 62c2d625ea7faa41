import type { Kysely, Selectable } from 'kysely';
import type { AuthorizationCodesTable, Database } from '../schema.js';

export type AuthorizationCodeRow = Selectable<AuthorizationCodesTable>;

export function authorizationCodeRepository(db: Kysely<Database>) {
  return {
    /** `amr` and `auth_time` may be left out (a login without them: '' and null). */
    insert: (row: Omit<AuthorizationCodeRow, 'amr' | 'auth_time'> & Partial<Pick<AuthorizationCodeRow, 'amr' | 'auth_time'>>) =>
      db.insertInto('authorization_codes').values({ amr: '', auth_time: null, ...row }).execute(),
    /**
     * Marks the code used and returns it, in one statement, so two concurrent exchanges of the same code
     * cannot both succeed. Returns undefined when the code is unknown or was already consumed.
     */
    async consume(tenantId: string, codeHash: string, at: string): Promise<AuthorizationCodeRow | undefined> {
      const result = await db
        .updateTable('authorization_codes')
        .set({ consumed_at: at })
        .where('tenant_id', '=', tenantId)
        .where('code_hash', '=', codeHash)
        .where('consumed_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return undefined;
      return db.selectFrom('authorization_codes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
    },
  };
}
