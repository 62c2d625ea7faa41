import type { Insertable, Kysely, Selectable } from 'kysely';
import { prepared } from '../prepared.js';
import type { Database, TenantsTable } from '../schema.js';

export type TenantRow = Selectable<TenantsTable>;

/** Every request resolves its tenant: compiled once (prepared.ts). */
const byNameWithDomains = prepared((db, name: string) =>
  db
    .selectFrom('tenants')
    .leftJoin('tenant_domains', 'tenant_domains.tenant_id', 'tenants.id')
    .selectAll('tenants')
    .select('tenant_domains.domain as custom_domain')
    .where('tenants.name', '=', name)
    .orderBy('tenant_domains.domain'),
);

export function tenantRepository(db: Kysely<Database>) {
  return {
    findById: (id: string) => db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst(),
    findByName: (name: string) => db.selectFrom('tenants').selectAll().where('name', '=', name).executeTakeFirst(),
    /** The tenant named `name` and its custom domains (sorted), in one statement: every request resolves its tenant. */
    async findByNameWithDomains(name: string): Promise<{ row: TenantRow; domains: string[] } | undefined> {
      const { rows } = await byNameWithDomains(db, name);
      const first = rows[0];
      if (!first) return undefined;
      const { custom_domain: _, ...row } = first;
      return { row, domains: rows.flatMap((r) => (r.custom_domain === null ? [] : [r.custom_domain])) };
    },
    /** The tenant mapped to any of `domains` (a host with and without its port, say). */
    async findByDomain(domains: string[]): Promise<TenantRow | undefined> {
      return db
        .selectFrom('tenant_domains')
        .innerJoin('tenants', 'tenants.id', 'tenant_domains.tenant_id')
        .selectAll('tenants')
        .where('tenant_domains.domain', 'in', domains)
        .executeTakeFirst();
    },
    list: () => db.selectFrom('tenants').selectAll().orderBy('name').execute(),
    insert: (row: Insertable<TenantsTable>) => db.insertInto('tenants').values(row).execute(),
    /** `config_version` is the triggers' alone (migration 0004): writing back a value read earlier could undo a bump. */
    update: (id: string, patch: Partial<Omit<TenantRow, 'id' | 'created_at' | 'config_version'>>) =>
      db.updateTable('tenants').set(patch).where('id', '=', id).execute(),
    addDomain: (tenantId: string, domain: string, at: string) =>
      db.insertInto('tenant_domains').values({ domain, tenant_id: tenantId, created_at: at }).execute(),
    listDomains: (tenantId: string) =>
      db.selectFrom('tenant_domains').select('domain').where('tenant_id', '=', tenantId).orderBy('domain').execute(),
    removeDomain: async (tenantId: string, domain: string) =>
      Number((await db.deleteFrom('tenant_domains').where('tenant_id', '=', tenantId).where('domain', '=', domain).executeTakeFirst()).numDeletedRows) > 0,
  };
}
