import { customDomainViews, type CustomDomainView } from '../../../../domain/custom-domains.js';
import { ManagementError } from '../../../../errors/errors.js';
import type { Services } from '../../../../services/index.js';
import type { Tenant } from '../../../../services/tenants.js';

/** One of the tenant's custom domains by its id, or Auth0's 404. */
export async function findCustomDomain(services: Services, tenant: Tenant, id: string): Promise<CustomDomainView> {
  const found = customDomainViews(await services.tenants.listCustomDomains(tenant.id)).find((d) => d.custom_domain_id === id);
  if (!found) throw new ManagementError('inexistent_custom_domain', 'The custom domain does not exist');
  return found;
}
