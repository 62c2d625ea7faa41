import type { Kysely, Selectable } from 'kysely';
import type { Database, MfaChallengesTable, MfaTransactionsTable } from '../schema.js';

export type MfaTransactionRow = Selectable<MfaTransactionsTable>;
export type MfaChallengeRow = Selectable<MfaChallengesTable>;

/** MFA transactions (one per `mfa_token`) and the challenges (one per code sent) they own. */
export function mfaRepository(db: Kysely<Database>) {
  return {
    insertTransaction: (row: MfaTransactionRow) => db.insertInto('mfa_transactions').values(row).execute(),
    findTransactionByTokenHash: (tenantId: string, tokenHash: string) =>
      db.selectFrom('mfa_transactions').selectAll().where('tenant_id', '=', tenantId).where('token_hash', '=', tokenHash).executeTakeFirst(),
    /** Marks the transaction used, once: of two concurrent exchanges only one gets true. */
    async completeTransaction(id: string, at: string): Promise<boolean> {
      const result = await db
        .updateTable('mfa_transactions')
        .set({ completed_at: at })
        .where('id', '=', id)
        .where('completed_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    insertChallenge: (row: MfaChallengeRow) => db.insertInto('mfa_challenges').values(row).execute(),
    findChallengeByOobHash: (tenantId: string, oobCodeHash: string) =>
      db.selectFrom('mfa_challenges').selectAll().where('tenant_id', '=', tenantId).where('oob_code_hash', '=', oobCodeHash).executeTakeFirst(),
    /** Uses the challenge, once: of two concurrent verifications of one code only one gets true. */
    async consumeChallenge(id: string, at: string): Promise<boolean> {
      const result = await db
        .updateTable('mfa_challenges')
        .set({ consumed_at: at })
        .where('id', '=', id)
        .where('consumed_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    /**
     * A code that was sent replaces the earlier ones of the same transaction and authenticator still open. Only
     * challenges older than `newer` (by time, then id) go, so of concurrent resends exactly the newest stays valid.
     */
    async supersedeChallenges(transactionId: string, authenticatorId: string, at: string, newer: { id: string; created_at: string }): Promise<void> {
      await db
        .updateTable('mfa_challenges')
        .set({ consumed_at: at })
        .where('transaction_id', '=', transactionId)
        .where('authenticator_id', '=', authenticatorId)
        .where('consumed_at', 'is', null)
        .where((eb) => eb.or([eb('created_at', '<', newer.created_at), eb.and([eb('created_at', '=', newer.created_at), eb('id', '<', newer.id)])]))
        .execute();
    },
    deleteChallenge: (id: string) => db.deleteFrom('mfa_challenges').where('id', '=', id).execute(),
  };
}
