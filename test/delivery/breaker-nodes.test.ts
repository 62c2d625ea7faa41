import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { US_MOBILE } from '../mfa/support.js';
import type { TestContext } from '../support/harness.js';
import { postgresAndRedis, startNode, type SharedStorage } from '../support/nodes.js';
import { FAKE_A, FAKE_B, chainScene, challengeIn, codeFrom, enrollThrough, ledger, startVendors } from './support.js';

/**
 * The circuit breaker is the fleet's: two nodes on one PostgreSQL schema and one Redis prefix count a provider
 * configuration's transient failures together, and once its bucket is empty neither node sends to it.
 */
describe('the circuit breaker across nodes (PostgreSQL + Redis)', () => {
  const clock = new ManualClock('2026-06-01T10:00:00.000Z');
  let storage: SharedStorage;
  let a: TestContext;
  let b: TestContext;
  let vendors: Awaited<ReturnType<typeof startVendors>>;

  beforeAll(async () => {
    vendors = await startVendors();
    storage = postgresAndRedis(clock);
    a = await startNode(storage, { providers: [FAKE_A, FAKE_B], providerBaseUrls: vendors.baseUrls });
    b = await startNode(storage, { providers: [FAKE_A, FAKE_B], providerBaseUrls: vendors.baseUrls });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await storage?.dispose();
    await vendors?.close();
  });

  it('failures on both nodes add up; then both skip the provider', async () => {
    const { tenant, actors } = await chainScene(a, [{ provider: 'fake-a' }, { provider: 'fake-b' }]);
    await enrollThrough(a, tenant, actors, US_MOBILE, () => codeFrom(vendors.a, US_MOBILE));
    vendors.a.next({ kind: 'fail', status: 500, code: 'internal' });
    for (let i = 0; i < 5; i++) expect((await challengeIn(i % 2 ? b : a, tenant, actors)).response.statusCode).toBe(200);
    const reached = vendors.a.requests.length;
    for (const node of [a, b]) expect((await challengeIn(node, tenant, actors)).response.statusCode).toBe(200);
    expect(vendors.a.requests).toHaveLength(reached);
    const skipped = (await ledger(a, tenant)).filter((r) => r.error && JSON.parse(r.error).errorCode === 'circuit_open');
    expect(skipped).toHaveLength(2);
    vendors.a.reset();
  });
});
