import { hashToken } from '../crypto/secret-box.js';
import { newId } from '../domain/ids.js';
import type { ServiceDeps } from './context.js';
import type { Tenant } from './tenants.js';

/** Auth0's remember-browser: asked again after 30 days, or after 7 days without a login from that browser. */
export const REMEMBER_BROWSER_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;
export const REMEMBER_BROWSER_IDLE_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Browsers that skip the second factor for a while. The browser keeps an opaque token; the store keeps its hash and
 * the user it belongs to, so a token copied to another user's login, or a database leak, lets nobody skip anything.
 */
export function createRememberedBrowsers({ store, clock, random }: ServiceDeps) {
  return {
    /** A new token for this browser and user; the caller puts it in a cookie that lives as long. */
    async remember(tenant: Tenant, userId: string): Promise<{ token: string; maxAgeSeconds: number }> {
      const token = newId.opaqueToken(random);
      const now = clock.now();
      await store.rememberedBrowsers.insert({
        token_hash: hashToken(token),
        tenant_id: tenant.id,
        user_id: userId,
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + REMEMBER_BROWSER_LIFETIME_MS).toISOString(),
        last_used_at: now.toISOString(),
      });
      return { token, maxAgeSeconds: REMEMBER_BROWSER_LIFETIME_MS / 1000 };
    },

    /**
     * Whether `token` remembers this browser for `userId`: issued to that user, under 30 days old, used in the last
     * 7 days. A recognised browser counts as used now; an expired token is deleted.
     */
    async recognise(tenant: Tenant, userId: string, token: string | undefined): Promise<boolean> {
      if (!token) return false;
      const tokenHash = hashToken(token);
      const row = await store.rememberedBrowsers.find(tenant.id, tokenHash);
      if (!row || row.user_id !== userId) return false;
      const now = clock.now();
      const expired = new Date(row.expires_at) <= now || now.getTime() - new Date(row.last_used_at).getTime() >= REMEMBER_BROWSER_IDLE_MS;
      if (expired) {
        await store.rememberedBrowsers.delete(tenant.id, tokenHash);
        return false;
      }
      await store.rememberedBrowsers.touch(tenant.id, tokenHash, now.toISOString());
      return true;
    },

    /** Forgets every browser of the user (their phone changed, or an administrator reset their MFA). */
    forgetUser: (tenant: Tenant, userId: string) => store.rememberedBrowsers.deleteByUser(tenant.id, userId),
  };
}

export type RememberedBrowsers = ReturnType<typeof createRememberedBrowsers>;
