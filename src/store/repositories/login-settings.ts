import type { Kysely, Selectable } from 'kysely';
import type { Database, LoginSettingsTable } from '../schema.js';

export type LoginSettingsRow = Selectable<LoginSettingsTable>;

export function loginSettingsRepository(db: Kysely<Database>) {
  return {
    find: (tenantId: string): Promise<LoginSettingsRow | undefined> => db.selectFrom('login_settings').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst(),

    upsert: (row: LoginSettingsRow) =>
      db
        .insertInto('login_settings')
        .values(row)
        .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ remember_browser: row.remember_browser, updated_at: row.updated_at }))
        .execute(),
  };
}
