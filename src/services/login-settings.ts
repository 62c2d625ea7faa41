import type { ConfigCache } from './config-cache.js';
import type { ServiceDeps } from './context.js';
import type { Tenant } from './tenants.js';

/** Settings of the login pages that Auth0 keeps in post-login Actions; Guardline extensions (docs/login.md). */
export interface LoginSettings {
  /** The MFA challenge screens offer "Remember this device for 30 days" (default on). */
  rememberBrowser: boolean;
}

export const DEFAULT_LOGIN_SETTINGS: LoginSettings = { rememberBrowser: true };

export function createLoginSettings({ store, clock }: ServiceDeps, { cache }: { cache: ConfigCache }) {
  return {
    /** Read on every MFA page: from the tenant's versioned configuration cache. */
    get(tenant: Tenant): Promise<LoginSettings> {
      return cache.read(tenant, 'login-settings', async () => {
        const row = await store.loginSettings.find(tenant.id);
        return row ? { rememberBrowser: row.remember_browser === 1 } : DEFAULT_LOGIN_SETTINGS;
      });
    },

    async update(tenant: Tenant, patch: Partial<LoginSettings>): Promise<LoginSettings> {
      const current = await this.get(tenant);
      const next: LoginSettings = { ...current, ...patch };
      await store.loginSettings.upsert({ tenant_id: tenant.id, remember_browser: next.rememberBrowser ? 1 : 0, updated_at: clock.now().toISOString() });
      return next;
    },
  };
}

export type LoginSettingsService = ReturnType<typeof createLoginSettings>;
