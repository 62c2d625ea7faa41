import type { Kysely, Selectable } from 'kysely';
import type { Database, GuardianSettingsTable } from '../schema.js';

export type GuardianSettingsRow = Selectable<GuardianSettingsTable>;

export function guardianRepository(db: Kysely<Database>) {
  return {
    listFactors: (tenantId: string) =>
      db.selectFrom('guardian_factors').selectAll().where('tenant_id', '=', tenantId).orderBy('name').execute(),

    async setFactor(tenantId: string, name: string, enabled: boolean, at: string): Promise<void> {
      await db
        .insertInto('guardian_factors')
        .values({ tenant_id: tenantId, name, enabled: enabled ? 1 : 0, updated_at: at })
        .onConflict((oc) => oc.columns(['tenant_id', 'name']).doUpdateSet({ enabled: enabled ? 1 : 0, updated_at: at }))
        .execute();
    },

    /**
     * The settings row (undefined when not created yet) and the names of the enabled factors, in one statement:
     * every MFA request needs both.
     */
    async findSettingsAndEnabledFactors(tenantId: string): Promise<{ settings: GuardianSettingsRow | undefined; enabledFactors: string[] }> {
      const rows = await db
        .selectFrom('tenants')
        .leftJoin('guardian_settings', 'guardian_settings.tenant_id', 'tenants.id')
        .leftJoin('guardian_factors', (join) => join.onRef('guardian_factors.tenant_id', '=', 'tenants.id').on('guardian_factors.enabled', '=', 1))
        .selectAll('guardian_settings')
        .select('guardian_factors.name as enabled_factor')
        .where('tenants.id', '=', tenantId)
        .orderBy('guardian_factors.name')
        .execute();
      const first = rows[0];
      let settings: GuardianSettingsRow | undefined;
      if (first && first.tenant_id !== null) {
        const { enabled_factor: _, ...row } = first;
        settings = row as GuardianSettingsRow;
      }
      return { settings, enabledFactors: rows.flatMap((r) => (r.enabled_factor === null ? [] : [r.enabled_factor])) };
    },

    findSettings: (tenantId: string) =>
      db.selectFrom('guardian_settings').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst(),

    /** Creates the row with `defaults` unless another request already did (first read races are harmless). */
    async ensureSettings(defaults: GuardianSettingsRow): Promise<void> {
      await db.insertInto('guardian_settings').values(defaults).onConflict((oc) => oc.column('tenant_id').doNothing()).execute();
    },

    updateSettings: (tenantId: string, patch: Partial<Omit<GuardianSettingsRow, 'tenant_id'>>) =>
      db.updateTable('guardian_settings').set(patch).where('tenant_id', '=', tenantId).execute(),

    /**
     * Counts one message against the built-in provider's lifetime cap in a single conditional UPDATE, so
     * concurrent requests, on any number of nodes sharing the database, never pass the cap together.
     * Returns false (and counts nothing) once the cap is reached.
     */
    async takeBuiltinMessage(tenantId: string, cap: number): Promise<boolean> {
      const result = await db
        .updateTable('guardian_settings')
        .set((eb) => ({ builtin_messages_sent: eb('builtin_messages_sent', '+', 1) }))
        .where('tenant_id', '=', tenantId)
        .where('builtin_messages_sent', '<', cap)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /** Gives back a message counted for a send that the upstream then refused. */
    async returnBuiltinMessage(tenantId: string): Promise<void> {
      await db
        .updateTable('guardian_settings')
        .set((eb) => ({ builtin_messages_sent: eb('builtin_messages_sent', '-', 1) }))
        .where('tenant_id', '=', tenantId)
        .where('builtin_messages_sent', '>', 0)
        .execute();
    },
  };
}
