/**
 * The in-process cache of tenant configuration (signing keys, guardian factors and settings, clients, attack
 * protection), valid across nodes without messages between them.
 *
 * Every write of cached configuration bumps `tenants.config_version` in the same transaction (database triggers,
 * migration 0004), and every request reads the version with its tenant. An entry is served only to a request
 * whose tenant carries the version the entry was loaded under; the first request that sees a newer version drops
 * the tenant's entries and loads afresh. A write on another node, by the CLI or by hand in SQL is therefore seen
 * by the next request that starts after it commits, on every node — the same guarantee as reading the database.
 *
 * An entry is stored under the version read *before* its data, so its data is never older than its label. A
 * request carrying an older version than the cache (it read its tenant before a write another request has
 * already seen) is answered from the database and changes nothing here.
 *
 * Hand-written (a Map in insertion order as the LRU): the versioning is the whole point and no cache library
 * knows it; the bounds keep a flood of unknown client ids from growing memory.
 */

export interface VersionedTenant {
  id: string;
  configVersion: number;
}

export interface ConfigCacheOptions {
  /** Tenants kept (least recently used dropped first). */
  maxTenants?: number;
  /** Entries kept per tenant (least recently loaded dropped first). */
  maxEntriesPerTenant?: number;
  /** Off: every read goes to the database (for measuring, and for tests that want to see every statement). */
  enabled?: boolean;
}

interface TenantEntries {
  version: number;
  entries: Map<string, Promise<unknown>>;
}

export function createConfigCache({ maxTenants = 10_000, maxEntriesPerTenant = 1_000, enabled = true }: ConfigCacheOptions = {}) {
  const tenants = new Map<string, TenantEntries>();

  function slotFor(tenant: VersionedTenant): TenantEntries | undefined {
    const slot = tenants.get(tenant.id);
    if (slot && slot.version > tenant.configVersion) return undefined;
    if (slot && slot.version === tenant.configVersion) {
      // Most recently used goes last.
      tenants.delete(tenant.id);
      tenants.set(tenant.id, slot);
      return slot;
    }
    const fresh: TenantEntries = { version: tenant.configVersion, entries: new Map() };
    tenants.delete(tenant.id);
    tenants.set(tenant.id, fresh);
    if (tenants.size > maxTenants) tenants.delete(tenants.keys().next().value as string);
    return fresh;
  }

  return {
    /**
     * The value of `key` for this tenant at its version: from the cache, or from `load` (which must read the
     * database, never a transaction's uncommitted state). Concurrent misses share one load; a failed load is
     * forgotten. Callers must not mutate what they get: it is shared.
     */
    read<T>(tenant: VersionedTenant, key: string, load: () => Promise<T>): Promise<T> {
      const slot = enabled ? slotFor(tenant) : undefined;
      if (!slot) return load();
      const hit = slot.entries.get(key);
      if (hit) return hit as Promise<T>;
      const pending = load();
      slot.entries.set(key, pending);
      if (slot.entries.size > maxEntriesPerTenant) slot.entries.delete(slot.entries.keys().next().value as string);
      pending.catch(() => {
        if (slot.entries.get(key) === pending) slot.entries.delete(key);
      });
      return pending;
    },

    /** Entries held (for tests and metrics). */
    size: () => [...tenants.values()].reduce((n, slot) => n + slot.entries.size, 0),
  };
}

export type ConfigCache = ReturnType<typeof createConfigCache>;
