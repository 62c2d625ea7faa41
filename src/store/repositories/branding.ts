import type { Kysely, Selectable } from 'kysely';
import type { BrandingTable, Database } from '../schema.js';

export type BrandingRow = Selectable<BrandingTable>;

/** A tenant's branding: one row, written whole (the service merges a PATCH into what it read). */
export function brandingRepository(db: Kysely<Database>) {
  return {
    async find(tenantId: string): Promise<BrandingRow | undefined> {
      return db.selectFrom('branding').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
    },

    async save(row: BrandingRow): Promise<void> {
      const { tenant_id: _, ...values } = row;
      await db
        .insertInto('branding')
        .values(row)
        .onConflict((oc) => oc.column('tenant_id').doUpdateSet(values))
        .execute();
    },
  };
}
