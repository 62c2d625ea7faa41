import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export function promptCustomTextRepository(db: Kysely<Database>) {
  return {
    find: (tenantId: string, prompt: string, language: string) =>
      db.selectFrom('prompt_custom_texts').select('texts').where('tenant_id', '=', tenantId).where('prompt', '=', prompt).where('language', '=', language).executeTakeFirst(),
    /** Every prompt's texts in one language: what a login page reads (through the config cache). */
    listForLanguage: (tenantId: string, language: string) =>
      db.selectFrom('prompt_custom_texts').select(['prompt', 'texts']).where('tenant_id', '=', tenantId).where('language', '=', language).execute(),
    put: (row: { tenant_id: string; prompt: string; language: string; texts: string; updated_at: string }) =>
      db
        .insertInto('prompt_custom_texts')
        .values(row)
        .onConflict((oc) => oc.columns(['tenant_id', 'prompt', 'language']).doUpdateSet({ texts: row.texts, updated_at: row.updated_at }))
        .execute(),
    remove: (tenantId: string, prompt: string, language: string) =>
      db.deleteFrom('prompt_custom_texts').where('tenant_id', '=', tenantId).where('prompt', '=', prompt).where('language', '=', language).execute(),
  };
}
