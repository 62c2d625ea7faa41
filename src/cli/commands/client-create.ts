import { APP_TYPES, type AppType } from '../../domain/grant-types.js';
import { MANAGEMENT_SCOPES, isManagementScope } from '../../domain/scopes.js';
import { CliError, EXIT } from '../cli-error.js';
import type { CliIo } from '../io.js';
import { requireTenant, withGuardline } from '../with-guardline.js';

export interface ClientCreateOptions {
  tenant?: string;
  name: string;
  type?: string;
  grantTypes?: string[];
  callbacks?: string[];
  /** `all` or a list of Management API scopes: also creates the client grant. */
  managementScopes?: string[];
}

/** `guardline client create`: an application, and optionally its Management API grant, in one transaction. */
export async function clientCreateCommand(io: CliIo, options: ClientCreateOptions): Promise<void> {
  const appType = (options.type ?? 'regular_web') as AppType;
  if (!APP_TYPES.includes(appType)) throw new CliError(`--type must be one of ${APP_TYPES.join(', ')}`, EXIT.usage);
  const scopes = options.managementScopes?.[0] === 'all' ? [...MANAGEMENT_SCOPES] : options.managementScopes;
  const unknown = (scopes ?? []).filter((s) => !isManagementScope(s));
  if (unknown.length > 0) throw new CliError(`unknown Management API scope(s): ${unknown.join(', ')}`, EXIT.usage);

  await withGuardline(io, async (guardline) => {
    const { services } = guardline;
    const tenant = await requireTenant(guardline, options.tenant);
    const client = await services.deps.store.transaction(async (tx) => {
      const created = await services.clients.create(
        tenant,
        {
          name: options.name,
          app_type: appType,
          ...(options.grantTypes ? { grant_types: options.grantTypes } : {}),
          ...(options.callbacks ? { callbacks: options.callbacks } : {}),
        },
        {},
        tx,
      );
      if (scopes && scopes.length > 0) {
        await services.clientGrants.create(tenant, { client_id: created.client_id, audience: tenant.managementAudience, scope: scopes }, tx);
      }
      return created;
    });
    io.out(`Client "${client.name}" created in tenant ${tenant.name}.`);
    io.out(`  client_id         ${client.client_id}`);
    if (client.client_secret) {
      io.out(`  client_secret     ${client.client_secret}`);
      io.out('  The secret is stored hashed and will not be shown again.');
    }
    io.out(`  app_type          ${client.app_type}`);
    io.out(`  grant_types       ${client.grant_types.join(' ')}`);
    if (scopes && scopes.length > 0) io.out(`  Management API    ${scopes.length} scope(s) granted`);
  });
}
