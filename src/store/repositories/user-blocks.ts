import type { Kysely, Selectable } from 'kysely';
import type { Database, UserBlocksTable } from '../schema.js';

export type UserBlockRow = Selectable<UserBlocksTable>;

/** Brute-force blocks of login identifiers. A row whose `expires_at` has passed is no block; it is replaced or swept. */
export function userBlockRepository(db: Kysely<Database>) {
  return {
    /** The block that applies to `identifier` from `ip`: one for that IP, or one for every IP (ip ''). */
    findActive: (tenantId: string, identifier: string, ip: string, now: string): Promise<UserBlockRow | undefined> =>
      db
        .selectFrom('user_blocks')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('identifier', '=', identifier)
        .where('ip', 'in', ip === '' ? [''] : ['', ip])
        .where('expires_at', '>', now)
        .orderBy('ip')
        .executeTakeFirst(),

    listActive: (tenantId: string, identifiers: string[], now: string): Promise<UserBlockRow[]> =>
      identifiers.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('user_blocks')
            .selectAll()
            .where('tenant_id', '=', tenantId)
            .where('identifier', 'in', identifiers)
            .where('expires_at', '>', now)
            .orderBy('identifier')
            .orderBy('created_at')
            .orderBy('ip')
            .execute(),

    /**
     * Writes a block unless one for the same identifier and IP is still active. Returns whether this call wrote it,
     * so that of two requests that reach the threshold together only one reports the new block.
     */
    async insertUnlessActive(row: UserBlockRow, now: string): Promise<boolean> {
      await db
        .deleteFrom('user_blocks')
        .where('tenant_id', '=', row.tenant_id)
        .where('identifier', '=', row.identifier)
        .where('ip', '=', row.ip)
        .where('expires_at', '<=', now)
        .execute();
      const result = await db
        .insertInto('user_blocks')
        .values(row)
        .onConflict((oc) => oc.columns(['tenant_id', 'identifier', 'ip']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
    },

    /** Removes every block (active or expired) of these identifiers. */
    async deleteFor(tenantId: string, identifiers: string[]): Promise<void> {
      if (identifiers.length === 0) return;
      await db.deleteFrom('user_blocks').where('tenant_id', '=', tenantId).where('identifier', 'in', identifiers).execute();
    },
  };
}
