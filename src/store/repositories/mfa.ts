import type { Kysely, Selectable } from 'kysely';
import { prepared, preparedInsert } from '../prepared.js';
import type { Database, MfaChallengesTable, MfaTransactionsTable } from '../schema.js';
import type { UserWithConnection } from './users.js';

// The statements every challenge and exchange runs, compiled once (prepared.ts).
const transactionWithUser = prepared((db, tenantId: string, tokenHash: string) =>
  db
    .selectFrom('mfa_transactions')
    .leftJoin('users', (join) => join.onRef('users.user_id', '=', 'mfa_transactions.user_id').onRef('users.tenant_id', '=', 'mfa_transactions.tenant_id'))
    .leftJoin('connections', 'connections.id', 'users.connection_id')
    .selectAll('users')
    .select('connections.name as connection_name')
    .select([
      'mfa_transactions.id as tx_id',
      'mfa_transactions.token_hash as tx_token_hash',
      'mfa_transactions.first_factor as tx_first_factor',
      'mfa_transactions.tenant_id as tx_tenant_id',
      'mfa_transactions.client_id as tx_client_id',
      'mfa_transactions.user_id as tx_user_id',
      'mfa_transactions.scope as tx_scope',
      'mfa_transactions.audience as tx_audience',
      'mfa_transactions.created_at as tx_created_at',
      'mfa_transactions.expires_at as tx_expires_at',
      'mfa_transactions.completed_at as tx_completed_at',
    ])
    .where('mfa_transactions.tenant_id', '=', tenantId)
    .where('mfa_transactions.token_hash', '=', tokenHash),
);
const completeTransaction = prepared((db, id: string, at: string) =>
  db.updateTable('mfa_transactions').set({ completed_at: at }).where('id', '=', id).where('completed_at', 'is', null),
);
const insertChallenge = preparedInsert<MfaChallengeRow>('mfa_challenges', {
  id: true,
  oob_code_hash: true,
  tenant_id: true,
  transaction_id: true,
  authenticator_id: true,
  channel: true,
  purpose: true,
  code_hash: true,
  created_at: true,
  expires_at: true,
  consumed_at: true,
});
const challengeByOobHash = prepared((db, tenantId: string, oobCodeHash: string) =>
  db.selectFrom('mfa_challenges').selectAll().where('tenant_id', '=', tenantId).where('oob_code_hash', '=', oobCodeHash),
);
const consumeChallenge = prepared((db, id: string, at: string) =>
  db.updateTable('mfa_challenges').set({ consumed_at: at }).where('id', '=', id).where('consumed_at', 'is', null),
);
const supersedeChallenges = prepared((db, transactionId: string, authenticatorId: string, at: string, newerCreatedAt: string, newerId: string) =>
  db
    .updateTable('mfa_challenges')
    .set({ consumed_at: at })
    .where('transaction_id', '=', transactionId)
    .where('authenticator_id', '=', authenticatorId)
    .where('consumed_at', 'is', null)
    .where((eb) => eb.or([eb('created_at', '<', newerCreatedAt), eb.and([eb('created_at', '=', newerCreatedAt), eb('id', '<', newerId)])])),
);

export type MfaTransactionRow = Selectable<MfaTransactionsTable>;
export type MfaChallengeRow = Selectable<MfaChallengesTable>;

/** MFA transactions (one per `mfa_token`) and the challenges (one per code sent) they own. */
export function mfaRepository(db: Kysely<Database>) {
  return {
    insertTransaction: (row: MfaTransactionRow) => db.insertInto('mfa_transactions').values(row).execute(),
    findTransactionByTokenHash: (tenantId: string, tokenHash: string) =>
      db.selectFrom('mfa_transactions').selectAll().where('tenant_id', '=', tenantId).where('token_hash', '=', tokenHash).executeTakeFirst(),
    /**
     * The transaction of an mfa_token and its user (with the connection's name; undefined when the user is gone),
     * in one statement: every request with an mfa_token needs both.
     */
    async findTransactionWithUser(tenantId: string, tokenHash: string): Promise<{ transaction: MfaTransactionRow; user: UserWithConnection | undefined } | undefined> {
      const row = (await transactionWithUser(db, tenantId, tokenHash)).rows[0];
      if (!row) return undefined;
      const { tx_id, tx_token_hash, tx_first_factor, tx_tenant_id, tx_client_id, tx_user_id, tx_scope, tx_audience, tx_created_at, tx_expires_at, tx_completed_at, ...user } = row;
      const transaction: MfaTransactionRow = {
        id: tx_id,
        token_hash: tx_token_hash,
        first_factor: tx_first_factor,
        tenant_id: tx_tenant_id,
        client_id: tx_client_id,
        user_id: tx_user_id,
        scope: tx_scope,
        audience: tx_audience,
        created_at: tx_created_at,
        expires_at: tx_expires_at,
        completed_at: tx_completed_at,
      };
      return { transaction, user: user.user_id === null || user.connection_name === null ? undefined : (user as UserWithConnection) };
    },
    /** Marks the transaction used, once: of two concurrent exchanges only one gets true. */
    async completeTransaction(id: string, at: string): Promise<boolean> {
      return Number((await completeTransaction(db, id, at)).numAffectedRows) === 1;
    },

    insertChallenge: async (row: MfaChallengeRow): Promise<void> => {
      await insertChallenge(db, row);
    },
    findChallengeByOobHash: async (tenantId: string, oobCodeHash: string): Promise<MfaChallengeRow | undefined> =>
      (await challengeByOobHash(db, tenantId, oobCodeHash)).rows[0],
    /** Uses the challenge, once: of two concurrent verifications of one code only one gets true. */
    async consumeChallenge(id: string, at: string): Promise<boolean> {
      return Number((await consumeChallenge(db, id, at)).numAffectedRows) === 1;
    },
    /**
     * A code that was sent replaces the earlier ones of the same transaction and authenticator still open. Only
     * challenges older than `newer` (by time, then id) go, so of concurrent resends exactly the newest stays valid.
     */
    async supersedeChallenges(transactionId: string, authenticatorId: string, at: string, newer: { id: string; created_at: string }): Promise<void> {
      await supersedeChallenges(db, transactionId, authenticatorId, at, newer.created_at, newer.id);
    },
    deleteChallenge: (id: string) => db.deleteFrom('mfa_challenges').where('id', '=', id).execute(),
  };
}
