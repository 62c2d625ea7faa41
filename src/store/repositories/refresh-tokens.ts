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
    /**
     * Marks a rotating token as exchanged, in one statement, so of two concurrent exchanges exactly one is the
     * first; the other is judged by the leeway. True when this call rotated it.
     */
    async markRotated(tenantId: string, tokenHash: string, at: string): Promise<boolean> {
      const result = await db
        .updateTable('refresh_tokens')
        .set({ rotated_at: at })
        .where('tenant_id', '=', tenantId)
        .where('token_hash', '=', tokenHash)
        .where('rotated_at', 'is', null)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    /** Slides a non-rotating token's idle expiry on use. */
    touch: (tenantId: string, tokenHash: string, idleExpiresAt: string) =>
      db.updateTable('refresh_tokens').set({ idle_expires_at: idleExpiresAt }).where('tenant_id', '=', tenantId).where('token_hash', '=', tokenHash).execute(),
    /** Reuse detection: every token of the family stops working. */
    revokeFamily: (tenantId: string, familyId: string, at: string) =>
      db.updateTable('refresh_tokens').set({ revoked_at: at }).where('tenant_id', '=', tenantId).where('family_id', '=', familyId).where('revoked_at', 'is', null).execute(),
    revokeForUser: (tenantId: string, userId: string, at: string) =>
      db.updateTable('refresh_tokens').set({ revoked_at: at }).where('tenant_id', '=', tenantId).where('user_id', '=', userId).where('revoked_at', 'is', null).execute(),
  };
}
