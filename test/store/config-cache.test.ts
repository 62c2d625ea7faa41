import { describe, expect, it } from 'vitest';
import { createConfigCache } from '../../src/services/config-cache.js';

/** The versioning rules of the in-process configuration cache, without a database. */
describe('config cache', () => {
  const tenant = (configVersion: number, id = 't1') => ({ id, configVersion });
  const loader = () => {
    let loads = 0;
    return { load: (value: string) => async () => (loads++, value), loads: () => loads };
  };

  it('serves a version from the cache once it is loaded, and shares one load between concurrent misses', async () => {
    const cache = createConfigCache();
    const { load, loads } = loader();
    const [a, b] = await Promise.all([cache.read(tenant(1), 'k', load('v1')), cache.read(tenant(1), 'k', load('other'))]);
    expect([a, b, await cache.read(tenant(1), 'k', load('other'))]).toEqual(['v1', 'v1', 'v1']);
    expect(loads()).toBe(1);
  });

  it('a newer version drops what the tenant had; an older one reads through and changes nothing', async () => {
    const cache = createConfigCache();
    const { load, loads } = loader();
    await cache.read(tenant(1), 'k', load('v1'));
    expect(await cache.read(tenant(2), 'k', load('v2'))).toBe('v2');
    // A request that read its tenant before the write: answered from its loader, the cache keeps version 2.
    expect(await cache.read(tenant(1), 'k', load('fresh read'))).toBe('fresh read');
    expect(await cache.read(tenant(2), 'k', load('not used'))).toBe('v2');
    expect(loads()).toBe(3);
  });

  it('tenants do not see each other’s entries', async () => {
    const cache = createConfigCache();
    const { load } = loader();
    await cache.read(tenant(1, 'a'), 'k', load('a'));
    expect(await cache.read(tenant(1, 'b'), 'k', load('b'))).toBe('b');
    expect(await cache.read(tenant(1, 'a'), 'k', load('x'))).toBe('a');
  });

  it('forgets a failed load, so the next read tries again', async () => {
    const cache = createConfigCache();
    await expect(cache.read(tenant(1), 'k', () => Promise.reject(new Error('database down')))).rejects.toThrow('database down');
    expect(await cache.read(tenant(1), 'k', async () => 'back')).toBe('back');
  });

  it('is bounded per tenant and in tenants, dropping the least recently used', async () => {
    const cache = createConfigCache({ maxTenants: 2, maxEntriesPerTenant: 3 });
    const { load, loads } = loader();
    for (const key of ['k1', 'k2', 'k3', 'k4']) await cache.read(tenant(1), key, load(key));
    expect(cache.size()).toBe(3);
    await cache.read(tenant(1), 'k1', load('k1 again'));
    expect(loads()).toBe(5); // k1 was the oldest entry
    await cache.read(tenant(1, 'b'), 'k', load('b'));
    await cache.read(tenant(1, 'a'), 'k', load('a')); // three tenants: t1 was used before b, so it goes
    expect(await cache.read(tenant(1, 'b'), 'k', load('not used'))).toBe('b');
    expect(await cache.read(tenant(1), 'k2', load('reloaded'))).toBe('reloaded');
  });

  it('switched off, every read goes to its loader', async () => {
    const cache = createConfigCache({ enabled: false });
    const { load, loads } = loader();
    await cache.read(tenant(1), 'k', load('v'));
    await cache.read(tenant(1), 'k', load('v'));
    expect(loads()).toBe(2);
    expect(cache.size()).toBe(0);
  });
});
