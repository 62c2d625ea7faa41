import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** A tenant's attack-protection settings: one row, Auth0's brute-force-protection object as JSON. */
export function attackProtectionRepository(db: Kysely<Database>) {
  return {
    async findBruteForce(tenantId: string): Promise<string | undefined> {
      const row = await db.selectFrom('attack_protection').select('brute_force').where('tenant_id', '=', tenantId).executeTakeFirst();
      return row?.brute_force;
    },

    async saveBruteForce(tenantId: string, json: string, at: string): Promise<void> {
      await db
        .insertInto('attack_protection')
        .values({ tenant_id: tenantId, brute_force: json, updated_at: at })
        .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ brute_force: json, updated_at: at }))
        .execute();
    },
  };
}
