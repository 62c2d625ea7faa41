import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashToken } from '../../src/crypto/secret-box.js';
import { migrateToLatest } from '../../src/store/database.js';
import { DIALECTS, useTestContext } from '../support/harness.js';

describe.each(DIALECTS)('store (%s)', (dialect) => {
  const ctx = useTestContext(dialect);

  it('has applied every migration, and a second run applies none', async () => {
    expect(await migrateToLatest(ctx().handle)).toEqual([]);
  });

  it('creates a tenant with its default connection and current + next signing keys, atomically', async () => {
    const tenant = await ctx().services.tenants.create({ name: 'store-check', defaultLocale: 'ja' });
    expect(tenant.defaultLocale).toBe('ja');
    expect(await ctx().services.deps.store.connections.findByName(tenant.id, 'Username-Password-Authentication')).toBeDefined();
    const keys = await ctx().services.signingKeys.list(tenant.id);
    expect(keys.map((k) => [k.current, k.next])).toEqual([
      [true, false],
      [false, true],
    ]);
    // A duplicate name is a conflict, and leaves no orphan connection or key behind.
    await expect(ctx().services.tenants.create({ name: 'store-check' })).rejects.toThrow('already exists');
    const tenants = await ctx().services.tenants.list();
    expect(tenants.filter((t) => t.name === 'store-check')).toHaveLength(1);
  });

  it('resolves tenants from the Host header', async () => {
    const { tenants } = ctx().services;
    await tenants.create({ name: 'resolver' });
    expect((await tenants.resolveHost('resolver.guardline.test'))?.name).toBe('resolver');
    expect((await tenants.resolveHost('RESOLVER.guardline.test:443'))?.name).toBe('resolver');
    expect((await tenants.resolveHost('guardline.test'))?.name).toBe('default');
    expect((await tenants.resolveHost('127.0.0.1:3000'))?.name).toBe('default');
    expect(await tenants.resolveHost('nobody.guardline.test')).toBeUndefined();
    expect(await tenants.resolveHost('a.b.guardline.test')).toBeUndefined();
    const resolver = (await tenants.findByName('resolver'))!;
    await tenants.addCustomDomain(resolver.id, 'login.resolver.example');
    expect((await tenants.resolveHost('login.resolver.example'))?.name).toBe('resolver');
    expect((await tenants.resolveHost('login.resolver.example:8443'))?.name).toBe('resolver');
    // A custom domain under the base domain (two labels deep) is found too.
    await tenants.addCustomDomain(resolver.id, 'sso.resolver.guardline.test');
    expect((await tenants.resolveHost('sso.resolver.guardline.test'))?.name).toBe('resolver');
    expect(await tenants.resolveHost('other.resolver.guardline.test')).toBeUndefined();
    expect((await tenants.findByName('resolver'))!.managementAudiences).toContain('https://login.resolver.example/api/v2/');
  });

  it('consumes an authorization code exactly once, even when two exchanges race', async () => {
    const { store } = ctx().services.deps;
    const code = randomBytes(32).toString('base64url');
    const at = new Date().toISOString();
    await store.authorizationCodes.insert({
      code_hash: hashToken(code),
      tenant_id: ctx().tenant.id,
      client_id: 'c',
      user_id: 'u',
      redirect_uri: 'https://app.example/cb',
      code_challenge: 'x',
      code_challenge_method: 'S256',
      scope: 'openid',
      audience: null,
      nonce: null,
      expires_at: at,
      consumed_at: null,
      created_at: at,
    });
    const results = await Promise.all(Array.from({ length: 8 }, () => store.authorizationCodes.consume(ctx().tenant.id, hashToken(code), at)));
    expect(results.filter((r) => r !== undefined)).toHaveLength(1);
  });

  it('orders log entries by time and filters by type', async () => {
    const { events } = ctx().services;
    const tenant = await ctx().services.tenants.create({ name: 'log-order' });
    await events.record(tenant.id, { type: 'sapi', description: 'first' });
    await events.record(tenant.id, { type: 'fapi', description: 'second' });
    await events.record(tenant.id, { type: 'sapi', description: 'third', details: { password: 'hunter22', nested: { client_secret: 's' } } });
    const all = await events.list(tenant.id, {}, { offset: 0, limit: 10, order: 'desc' }, true);
    expect(all.logs.map((l) => l.description)).toEqual(['third', 'second', 'first']);
    expect(all.total).toBe(3);
    expect(all.logs[0]!.details).toEqual({ password: '[redacted]', nested: { client_secret: '[redacted]' } });
    const onlySapi = await events.list(tenant.id, { types: ['sapi'] }, { offset: 0, limit: 10, order: 'asc' }, false);
    expect(onlySapi.logs.map((l) => l.description)).toEqual(['first', 'third']);
    expect(all.logs[0]!.log_id).toMatch(/^\d{56}$/);
  });
});
