import { MANAGEMENT_SCOPES } from '../domain/scopes.js';
import type { Services } from './index.js';
import type { Tenant } from './tenants.js';

export const ADMIN_APPLICATION_NAME = 'Guardline Management (machine-to-machine)';

export interface BootstrapResult {
  tenant: Tenant;
  tenantCreated: boolean;
  /** Present only when this start created the administrative application; the secret is shown this once. */
  adminClient?: { clientId: string; clientSecret: string; chosenByOperator: boolean };
}

/**
 * First-run set-up, safe to run on every start: the default tenant, and its administrative
 * machine-to-machine application with every Management API scope. With operator-chosen credentials
 * (`GUARDLINE_BOOTSTRAP_CLIENT_ID/SECRET`) the application is created once with exactly those; without them
 * it is created with generated credentials when the default tenant is new.
 */
export async function bootstrap(
  services: Services,
  options: { defaultTenant: string; bootstrapClient?: { clientId: string; clientSecret: string } | undefined },
): Promise<BootstrapResult> {
  let tenant = await services.tenants.findByName(options.defaultTenant);
  const tenantCreated = tenant === undefined;
  tenant ??= await services.tenants.create({ name: options.defaultTenant, friendlyName: 'Guardline' });

  const wanted = options.bootstrapClient;
  if (wanted && (await services.clients.find(tenant, wanted.clientId))) return { tenant, tenantCreated };
  if (!wanted && !tenantCreated) return { tenant, tenantCreated };

  const created = await createAdminApplication(services, tenant, wanted);
  return {
    tenant,
    tenantCreated,
    adminClient: { clientId: created.clientId, clientSecret: created.clientSecret, chosenByOperator: wanted !== undefined },
  };
}

/** An application allowed `client_credentials` with every Management API scope, created in one transaction. */
export async function createAdminApplication(
  services: Services,
  tenant: Tenant,
  credentials?: { clientId: string; clientSecret: string },
  name = ADMIN_APPLICATION_NAME,
): Promise<{ clientId: string; clientSecret: string }> {
  return services.deps.store.transaction(async (tx) => {
    const client = await services.clients.create(
      tenant,
      { name, app_type: 'non_interactive', grant_types: ['client_credentials'] },
      credentials ?? {},
      tx,
    );
    await services.clientGrants.create(tenant, { client_id: client.client_id, audience: tenant.managementAudience, scope: [...MANAGEMENT_SCOPES] }, tx);
    return { clientId: client.client_id, clientSecret: client.client_secret! };
  });
}
