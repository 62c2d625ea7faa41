import { Redis } from 'ioredis';
import type { Store } from '../store/store.js';
import type { ActionTriggerId, CacheRecord, CacheWrite } from './types.js';

/**
 * Auth0's `api.cache` behind one interface, per tenant and trigger. An execution reads a snapshot before it runs
 * (the calls inside the action are synchronous, as Auth0's are) and its writes are applied after it. "Items may not
 * be available in later transactions even if they are within their lifetime" (Auth0), so two concurrent executions
 * simply apply their writes in the order they finish. Lifetimes are capped at `ACTION_CACHE_MAX_LIFETIME_MS`.
 * Back ends: the database (default; shared by every node on PostgreSQL) or Redis (`GUARDLINE_REDIS_URL`).
 */
export interface ActionCacheStore {
  load(tenantId: string, trigger: ActionTriggerId, now: Date): Promise<Record<string, CacheRecord>>;
  apply(tenantId: string, trigger: ActionTriggerId, writes: readonly CacheWrite[], now: Date): Promise<void>;
  close(): Promise<void>;
}

/** Auth0's longest cache lifetime (its "Actions Cache Limits"): one day. */
export const ACTION_CACHE_MAX_LIFETIME_MS = 24 * 60 * 60 * 1000;

const capped = (write: Extract<CacheWrite, { op: 'set' }>, now: Date) => Math.min(write.expires_at, now.getTime() + ACTION_CACHE_MAX_LIFETIME_MS);

export function createSqlActionCache(store: Store): ActionCacheStore {
  return {
    async load(tenantId, trigger, now) {
      const rows = await store.actionCache.live(tenantId, trigger, now.toISOString());
      return Object.fromEntries(rows.map((r) => [r.key, { value: r.value, expires_at: new Date(r.expires_at).getTime() }]));
    },
    async apply(tenantId, trigger, writes, now) {
      if (writes.length === 0) return;
      for (const write of writes) {
        if (write.op === 'delete') await store.actionCache.delete(tenantId, trigger, write.key);
        else if (write.expires_at > now.getTime()) {
          await store.actionCache.upsert({ tenant_id: tenantId, trigger_id: trigger, key: write.key, value: write.value, expires_at: new Date(capped(write, now)).toISOString() });
        }
      }
      await store.actionCache.deleteExpired(tenantId, trigger, now.toISOString());
    },
    close: async () => undefined,
  };
}

/** One Redis hash per tenant and trigger; each field holds `{value, expires_at}` and is dropped once expired. */
export function createRedisActionCache(options: { url: string; keyPrefix?: string }): ActionCacheStore {
  const prefix = options.keyPrefix ?? 'guardline:action-cache:';
  const redis = new Redis(options.url, { lazyConnect: false, commandTimeout: 500, maxRetriesPerRequest: 1 });
  // A cache that is down is an empty cache (Auth0: "items may not be available"); the error is not the action's.
  redis.on('error', () => undefined);
  const keyOf = (tenantId: string, trigger: string) => `${prefix}${tenantId}:${trigger}`;
  return {
    async load(tenantId, trigger, now) {
      const fields = await redis.hgetall(keyOf(tenantId, trigger)).catch(() => ({}) as Record<string, string>);
      const live: Record<string, CacheRecord> = {};
      const expired: string[] = [];
      for (const [key, raw] of Object.entries(fields)) {
        const record = parseRecord(raw);
        if (record && record.expires_at > now.getTime()) live[key] = record;
        else expired.push(key);
      }
      if (expired.length > 0) void redis.hdel(keyOf(tenantId, trigger), ...expired).catch(() => undefined);
      return live;
    },
    async apply(tenantId, trigger, writes, now) {
      if (writes.length === 0) return;
      const key = keyOf(tenantId, trigger);
      const batch = redis.multi();
      for (const write of writes) {
        if (write.op === 'delete') batch.hdel(key, write.key);
        else if (write.expires_at > now.getTime()) batch.hset(key, write.key, JSON.stringify({ value: write.value, expires_at: capped(write, now) }));
      }
      batch.pexpire(key, ACTION_CACHE_MAX_LIFETIME_MS);
      await batch.exec().catch(() => undefined);
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

function parseRecord(raw: string): CacheRecord | undefined {
  try {
    const parsed = JSON.parse(raw) as Partial<CacheRecord>;
    return typeof parsed.value === 'string' && typeof parsed.expires_at === 'number' ? { value: parsed.value, expires_at: parsed.expires_at } : undefined;
  } catch {
    return undefined;
  }
}
