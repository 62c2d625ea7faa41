import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** The login completions of login-page MFA transactions (migration 0008): `claim` is true once per transaction. */
export function loginCompletionRepository(db: Kysely<Database>) {
  return {
    async claim(transactionId: string, at: string): Promise<boolean> {
      const result = await db.insertInto('login_completions').values({ transaction_id: transactionId, created_at: at }).onConflict((oc) => oc.column('transaction_id').doNothing()).executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
    },
  };
}
