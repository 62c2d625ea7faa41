import type { Kysely, Selectable } from 'kysely';
import type { Database, RefreshTokensTable } from '../schema.js';

export type RefreshTokenRow = Selectable<RefreshTokensTable>;

export function refreshTokenRepository(db: Kysely<Database>) {
  return {
    insert: (row: RefreshTokenRow) => db.insertInto('refresh_tokens').values(row).execute(),
    findActive: (tenantId: string, tokenHash: string) =>
      db
        .selectFrom('refresh_tokens')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('token_hash', '=', tokenHash)
        .where('revoked_at', 'is', null)
        .executeTakeFirst(),
    revokeForUser: (tenantId: string, userId: string, at: string) =>
      db.updateTable('refresh_tokens').set({ revoked_at: at }).where('tenant_id', '=', tenantId).where('user_id', '=', userId).where('revoked_at', 'is', null).execute(),
  };
}
