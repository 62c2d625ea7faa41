import { createAdminApplication } from '../../services/bootstrap.js';
import type { CliIo } from '../io.js';
import { withGuardline } from '../with-guardline.js';

export interface TenantCreateOptions {
  name: string;
  friendlyName?: string;
  defaultLocale?: string;
  domain?: string;
}

/**
 * `guardline tenant create <name>`: the tenant with its default connection and signing keys, optionally a
 * custom domain, and an administrative application whose secret is printed this once.
 */
export async function tenantCreateCommand(io: CliIo, options: TenantCreateOptions): Promise<void> {
  await withGuardline(io, async ({ services }) => {
    let tenant = await services.tenants.create({
      name: options.name,
      ...(options.friendlyName ? { friendlyName: options.friendlyName } : {}),
      ...(options.defaultLocale ? { defaultLocale: options.defaultLocale } : {}),
    });
    if (options.domain) {
      await services.tenants.addCustomDomain(tenant.id, options.domain);
      tenant = (await services.tenants.findByName(tenant.name))!;
    }
    const admin = await createAdminApplication(services, tenant);
    io.out(`Tenant ${tenant.name} created (${tenant.id}).`);
    io.out(`  served at         ${tenant.domain}${options.domain ? ` and ${options.domain}` : ''}`);
    io.out(`  Management API    ${tenant.managementAudience}`);
    io.out(`  admin client_id   ${admin.clientId}`);
    io.out(`  admin secret      ${admin.clientSecret}`);
    io.out('  The secret is stored hashed and will not be shown again.');
  });
}
