import type { Kysely } from 'kysely';

/**
 * Auth0's user import and export jobs (issue 13):
 * - `user_jobs`: one job. An import keeps its uploaded file (`input`, the users as JSON) and a `cursor` (the next
 *   row to process); each row is written in the same transaction as the cursor and the counters that move past
 *   it, so a node that stops mid-job leaves a job another node resumes exactly where it stopped. `lease_until`
 *   lets one node at a time work on a job. An export keeps its parameters in `input` and, once done, the gzipped
 *   file in `result` (base64) until `result_expires_at`; its download link carries a token whose hash is `file_token_hash`.
 * - `user_job_errors`: the rows an import refused, in Auth0's `{user, errors}` shape, one per row.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('user_jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('connection_id', 'text')
    .addColumn('external_id', 'text')
    .addColumn('upsert', 'integer', (c) => c.notNull())
    .addColumn('input', 'text', (c) => c.notNull())
    .addColumn('cursor', 'integer', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('inserted', 'integer', (c) => c.notNull())
    .addColumn('updated', 'integer', (c) => c.notNull())
    .addColumn('failed', 'integer', (c) => c.notNull())
    .addColumn('result', 'text')
    .addColumn('file_token_hash', 'text')
    .addColumn('result_expires_at', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('completed_at', 'text')
    .execute();
  await db.schema.createIndex('user_jobs_status_idx').on('user_jobs').columns(['status', 'lease_until']).execute();

  await db.schema
    .createTable('user_job_errors')
    .addColumn('job_id', 'text', (c) => c.notNull().references('user_jobs.id').onDelete('cascade'))
    .addColumn('row_index', 'integer', (c) => c.notNull())
    .addColumn('user', 'text', (c) => c.notNull())
    .addColumn('errors', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_job_errors_pk', ['job_id', 'row_index'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('user_job_errors').execute();
  await db.schema.dropTable('user_jobs').execute();
}
