import type { Kysely, Selectable } from 'kysely';
import type { ActionBindingsTable, ActionExecutionsTable, ActionsTable, ActionVersionsTable, Database } from '../schema.js';

export type ActionRow = Selectable<ActionsTable>;
export type ActionVersionRow = Selectable<ActionVersionsTable>;
export type ActionBindingRow = Selectable<ActionBindingsTable>;
export type ActionExecutionRow = Selectable<ActionExecutionsTable>;

/** Actions, their deployed versions, trigger bindings, the tenant's action settings and execution records. */
export function actionRepository(db: Kysely<Database>) {
  return {
    insert: (row: ActionRow) => db.insertInto('actions').values(row).execute(),
    find: (tenantId: string, id: string) => db.selectFrom('actions').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst(),
    findByName: (tenantId: string, name: string) => db.selectFrom('actions').selectAll().where('tenant_id', '=', tenantId).where('name', '=', name).executeTakeFirst(),
    list: (tenantId: string) => db.selectFrom('actions').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').orderBy('id').execute(),
    update: (tenantId: string, id: string, patch: Partial<Omit<ActionRow, 'id' | 'tenant_id' | 'created_at'>>) =>
      db.updateTable('actions').set(patch).where('tenant_id', '=', tenantId).where('id', '=', id).execute(),
    async delete(tenantId: string, id: string): Promise<boolean> {
      const result = await db.deleteFrom('actions').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    insertVersion: (row: ActionVersionRow) => db.insertInto('action_versions').values(row).execute(),
    versions: (tenantId: string, actionId: string) =>
      db.selectFrom('action_versions').selectAll().where('tenant_id', '=', tenantId).where('action_id', '=', actionId).orderBy('number', 'desc').execute(),
    findVersion: (tenantId: string, actionId: string, id: string) =>
      db.selectFrom('action_versions').selectAll().where('tenant_id', '=', tenantId).where('action_id', '=', actionId).where('id', '=', id).executeTakeFirst(),
    deployedVersion: (tenantId: string, actionId: string) =>
      db.selectFrom('action_versions').selectAll().where('tenant_id', '=', tenantId).where('action_id', '=', actionId).where('deployed', '=', 1).executeTakeFirst(),
    /** The deployed versions of a tenant's actions, by action id (one statement for a list). */
    deployedVersions: (tenantId: string) => db.selectFrom('action_versions').selectAll().where('tenant_id', '=', tenantId).where('deployed', '=', 1).execute(),
    async nextVersionNumber(actionId: string): Promise<number> {
      const row = await db.selectFrom('action_versions').select((eb) => eb.fn.max('number').as('max')).where('action_id', '=', actionId).executeTakeFirst();
      return row?.max === null || row?.max === undefined ? 1 : Number(row.max) + 1;
    },
    markDeployed: async (tenantId: string, actionId: string, versionId: string, at: string) => {
      await db.updateTable('action_versions').set({ deployed: 0, updated_at: at }).where('tenant_id', '=', tenantId).where('action_id', '=', actionId).where('deployed', '=', 1).execute();
      await db.updateTable('action_versions').set({ deployed: 1, updated_at: at }).where('tenant_id', '=', tenantId).where('id', '=', versionId).execute();
    },

    bindings: (tenantId: string, triggerId: string) => db.selectFrom('action_bindings').selectAll().where('tenant_id', '=', tenantId).where('trigger_id', '=', triggerId).execute(),
    bindingsOfAction: (tenantId: string, actionId: string) => db.selectFrom('action_bindings').selectAll().where('tenant_id', '=', tenantId).where('action_id', '=', actionId).execute(),
    replaceBindings: async (tenantId: string, triggerId: string, rows: ActionBindingRow[]) => {
      await db.deleteFrom('action_bindings').where('tenant_id', '=', tenantId).where('trigger_id', '=', triggerId).execute();
      if (rows.length > 0) await db.insertInto('action_bindings').values(rows).execute();
    },
    deleteBindingsOfAction: (tenantId: string, actionId: string) => db.deleteFrom('action_bindings').where('tenant_id', '=', tenantId).where('action_id', '=', actionId).execute(),

    settings: (tenantId: string) => db.selectFrom('action_settings').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst(),
    saveSettings: (row: { tenant_id: string; fetch_allowed_hosts: string | null; updated_at: string }) =>
      db
        .insertInto('action_settings')
        .values(row)
        .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ fetch_allowed_hosts: row.fetch_allowed_hosts, updated_at: row.updated_at }))
        .execute(),

    insertExecution: (row: ActionExecutionRow) => db.insertInto('action_executions').values(row).execute(),
    findExecution: (tenantId: string, id: string) => db.selectFrom('action_executions').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst(),
    /** Execution records are kept for a while (ACTION_EXECUTION_RETENTION_MS), not forever. */
    pruneExecutions: (tenantId: string, beforeIso: string) => db.deleteFrom('action_executions').where('tenant_id', '=', tenantId).where('started_at', '<', beforeIso).execute(),
  };
}
