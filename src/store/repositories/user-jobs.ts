import type { Kysely, Selectable, Updateable } from 'kysely';
import type { Database, UserJobsTable } from '../schema.js';

export type UserJobRow = Selectable<UserJobsTable>;

/** Users import/export jobs and the rows an import refused (migration 0013). */
export function userJobRepository(db: Kysely<Database>) {
  return {
    insert: (row: UserJobRow) => db.insertInto('user_jobs').values(row).execute(),
    find: (tenantId: string, id: string) => db.selectFrom('user_jobs').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst(),
    findById: (id: string) => db.selectFrom('user_jobs').selectAll().where('id', '=', id).executeTakeFirst(),
    findByFileToken: (tokenHash: string) => db.selectFrom('user_jobs').selectAll().where('file_token_hash', '=', tokenHash).executeTakeFirst(),
    /** Jobs not finished whose lease (if any) has run out: the ones a node may take. */
    listClaimable: (now: string, limit: number) =>
      db
        .selectFrom('user_jobs')
        .select(['id', 'lease_until'])
        .where('status', 'in', ['pending', 'processing'])
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
        .orderBy('created_at')
        .limit(limit)
        .execute(),
    /** Takes the lease if nobody renewed it since `seen` was read (compare-and-set): true when this node has it. */
    async claim(id: string, seen: string | null, until: string, now: string): Promise<boolean> {
      let q = db.updateTable('user_jobs').set({ lease_until: until, updated_at: now }).where('id', '=', id).where('status', 'in', ['pending', 'processing']);
      q = seen === null ? q.where('lease_until', 'is', null) : q.where('lease_until', '=', seen);
      const result = await q.executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    update: (id: string, patch: Updateable<UserJobsTable>) => db.updateTable('user_jobs').set(patch).where('id', '=', id).execute(),
    /** Moves an import's cursor past one row and counts it, in the row's own transaction. */
    advance: (id: string, cursor: number, outcome: 'inserted' | 'updated' | 'failed', now: string) =>
      db
        .updateTable('user_jobs')
        .set((eb) => ({ cursor, [outcome]: eb(outcome, '+', 1), status: 'processing', updated_at: now }))
        .where('id', '=', id)
        .execute(),
    insertError: (row: { job_id: string; row_index: number; user: string; errors: string }) => db.insertInto('user_job_errors').values(row).execute(),
    listErrors: (jobId: string) => db.selectFrom('user_job_errors').selectAll().where('job_id', '=', jobId).orderBy('row_index').execute(),
  };
}
