import { ValidationError } from '../../errors/errors.js';
import type { ConfigCache } from '../config-cache.js';
import type { ServiceDeps } from '../context.js';
import type { Tenant } from '../tenants.js';

/** The tenant's action settings (Guardline extension, `/api/v2/actions/settings`): the hosts `fetch` may reach. */
const HOST = /^(\*\.)?(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const ALLOWED_HOSTS_MAX = 100;

export interface ActionSettingsView {
  fetch_allowed_hosts: string[] | null;
}

export function createActionSettings({ store, clock }: ServiceDeps, { cache }: { cache: ConfigCache }) {
  const read = (tenant: Tenant) =>
    cache.read(tenant, 'action-settings', async (): Promise<ActionSettingsView> => {
      const row = await store.actions.settings(tenant.id);
      return { fetch_allowed_hosts: row?.fetch_allowed_hosts ? (JSON.parse(row.fetch_allowed_hosts) as string[]) : null };
    });
  return {
    get: read,
    async update(tenant: Tenant, patch: ActionSettingsView): Promise<ActionSettingsView> {
      const hosts = patch.fetch_allowed_hosts === null ? null : [...new Set(patch.fetch_allowed_hosts.map((h) => h.trim().toLowerCase()))];
      if (hosts && hosts.length > ALLOWED_HOSTS_MAX) throw new ValidationError(`fetch_allowed_hosts: at most ${ALLOWED_HOSTS_MAX} hosts`);
      const bad = hosts?.find((h) => !HOST.test(h));
      if (bad !== undefined) throw new ValidationError(`fetch_allowed_hosts: "${bad}" is not a host name (exact, or *.example.com)`);
      await store.actions.saveSettings({ tenant_id: tenant.id, fetch_allowed_hosts: hosts === null ? null : JSON.stringify(hosts), updated_at: clock.now().toISOString() });
      return { fetch_allowed_hosts: hosts };
    },
    networkPolicyHosts: async (tenant: Tenant) => (await read(tenant)).fetch_allowed_hosts,
  };
}
