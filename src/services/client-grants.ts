import { newId } from '../domain/ids.js';
import { isManagementScope } from '../domain/scopes.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors/errors.js';
import { isUniqueViolation } from '../store/database.js';
import type { ClientGrantFilter, ClientGrantRow } from '../store/repositories/client-grants.js';
import type { Repositories } from '../store/store.js';
import type { ServiceDeps } from './context.js';
import type { Tenant } from './tenants.js';

export interface ClientGrantView {
  id: string;
  client_id: string;
  audience: string;
  scope: string[];
}

const view = (row: ClientGrantRow): ClientGrantView => ({
  id: row.id,
  client_id: row.client_id,
  audience: row.audience,
  scope: JSON.parse(row.scope),
});

/**
 * Which scopes an application may obtain for an API. The only API (resource server) a tenant has today is
 * its Management API, so the audience must be one of its identifiers and every scope a Management API scope.
 */
export function createClientGrants({ store, clock, random }: ServiceDeps) {
  function checkGrant(tenant: Tenant, audience: string, scope: string[]): void {
    if (!tenant.managementAudiences.includes(audience)) {
      throw new NotFoundError('resource_server', `No resource server found with identifier ${audience}`);
    }
    const unknown = scope.filter((s) => !isManagementScope(s));
    if (unknown.length > 0) throw new ValidationError(`Invalid scope(s) for ${audience}: ${unknown.join(', ')}`);
  }

  return {
    async create(
      tenant: Tenant,
      input: { client_id: string; audience: string; scope: string[] },
      repos: Pick<Repositories, 'clientGrants' | 'clients'> = store,
    ): Promise<ClientGrantView> {
      checkGrant(tenant, input.audience, input.scope);
      if (!(await repos.clients.find(tenant.id, input.client_id))) throw new NotFoundError('client', 'The client does not exist');
      const row: ClientGrantRow = {
        id: newId.clientGrant(random),
        tenant_id: tenant.id,
        client_id: input.client_id,
        // Stored under the canonical identifier so a grant made through a custom domain still matches.
        audience: tenant.managementAudience,
        scope: JSON.stringify([...new Set(input.scope)]),
        created_at: clock.now().toISOString(),
      };
      try {
        await repos.clientGrants.insert(row);
      } catch (err) {
        if (isUniqueViolation(err)) throw new ConflictError('client_grant', 'A client grant for this client and audience already exists');
        throw err;
      }
      return view(row);
    },

    async list(tenant: Tenant, filter: ClientGrantFilter, page: { offset: number; limit: number }, includeTotals: boolean) {
      const normalised = { ...filter, ...(filter.audience && tenant.managementAudiences.includes(filter.audience) ? { audience: tenant.managementAudience } : {}) };
      const rows = await store.clientGrants.list(tenant.id, normalised, page);
      const total = includeTotals ? await store.clientGrants.count(tenant.id, normalised) : undefined;
      return { grants: rows.map(view), total };
    },

    async update(tenant: Tenant, id: string, patch: { scope: string[] }): Promise<ClientGrantView> {
      const row = await store.clientGrants.find(tenant.id, id);
      if (!row) throw new NotFoundError('client_grant', 'The client grant does not exist');
      checkGrant(tenant, row.audience, patch.scope);
      const scope = JSON.stringify([...new Set(patch.scope)]);
      await store.clientGrants.updateScope(tenant.id, id, scope);
      return view({ ...row, scope });
    },

    async remove(tenant: Tenant, id: string): Promise<void> {
      if (!(await store.clientGrants.delete(tenant.id, id))) throw new NotFoundError('client_grant', 'The client grant does not exist');
    },

    /** The scopes a client may get for `audience`, or undefined when it has no grant for it. */
    async grantedScopes(tenant: Tenant, clientId: string, audience: string): Promise<string[] | undefined> {
      if (!tenant.managementAudiences.includes(audience)) return undefined;
      const row = await store.clientGrants.findFor(tenant.id, clientId, tenant.managementAudience);
      return row ? (JSON.parse(row.scope) as string[]) : undefined;
    },
  };
}

export type ClientGrants = ReturnType<typeof createClientGrants>;
