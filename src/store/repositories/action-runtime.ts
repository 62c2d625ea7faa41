import type { Kysely, Selectable } from 'kysely';
import type { ActionRetriesTable, Database } from '../schema.js';

export type ActionRetryRow = Selectable<ActionRetriesTable>;

/** `api.cache` records kept in the database (the back end without Redis): one row per tenant, trigger and key. */
export function actionCacheRepository(db: Kysely<Database>) {
  return {
    /** The unexpired records of a tenant's trigger. */
    live: (tenantId: string, triggerId: string, nowIso: string) =>
      db
        .selectFrom('action_cache')
        .select(['key', 'value', 'expires_at'])
        .where('tenant_id', '=', tenantId)
        .where('trigger_id', '=', triggerId)
        .where('expires_at', '>', nowIso)
        .execute(),

    upsert: (row: { tenant_id: string; trigger_id: string; key: string; value: string; expires_at: string }) =>
      db
        .insertInto('action_cache')
        .values(row)
        .onConflict((oc) => oc.columns(['tenant_id', 'trigger_id', 'key']).doUpdateSet({ value: row.value, expires_at: row.expires_at }))
        .execute(),

    delete: (tenantId: string, triggerId: string, key: string) =>
      db.deleteFrom('action_cache').where('tenant_id', '=', tenantId).where('trigger_id', '=', triggerId).where('key', '=', key).execute(),

    deleteExpired: (tenantId: string, triggerId: string, nowIso: string) =>
      db.deleteFrom('action_cache').where('tenant_id', '=', tenantId).where('trigger_id', '=', triggerId).where('expires_at', '<=', nowIso).execute(),
  };
}

/** Notifications waiting for another run of their action (`api.notification.retry`). */
export function actionRetryRepository(db: Kysely<Database>) {
  return {
    insert: (row: ActionRetryRow) => db.insertInto('action_retries').values(row).execute(),

    /** Up to `limit` retries due at `nowIso` whose lease (if any) has run out, oldest first. */
    due: (nowIso: string, limit: number) =>
      db
        .selectFrom('action_retries')
        .selectAll()
        .where('next_attempt_at', '<=', nowIso)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', nowIso)]))
        .orderBy('next_attempt_at')
        .limit(limit)
        .execute(),

    /**
     * Takes the lease of one retry if nobody holds it: one statement, so of several nodes polling the same table
     * exactly one wins (the others see zero rows changed).
     */
    async claim(id: string, nowIso: string, leaseUntilIso: string): Promise<boolean> {
      const result = await db
        .updateTable('action_retries')
        .set({ lease_until: leaseUntilIso })
        .where('id', '=', id)
        .where('next_attempt_at', '<=', nowIso)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', nowIso)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    reschedule: (id: string, patch: { attempts: number; next_attempt_at: string; last_reason: string | null }) =>
      db.updateTable('action_retries').set({ ...patch, lease_until: null }).where('id', '=', id).execute(),

    delete: (id: string) => db.deleteFrom('action_retries').where('id', '=', id).execute(),

    listByTenant: (tenantId: string) => db.selectFrom('action_retries').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').execute(),
  };
}
