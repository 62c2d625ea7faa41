import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { FAKE_A, FAKE_B, startVendors } from '../delivery/support.js';
import type { TestContext } from '../support/harness.js';
import { postgresAndRedis, startNode, type SharedStorage } from '../support/nodes.js';
import { associateSms, enrolment, eventsOf, fraudScene, newLogin, ukMobile } from './support.js';

/**
 * Two Guardline nodes on one PostgreSQL schema and one Redis prefix: the fraud guard's limits are the fleet's, not a
 * node's. 50 sends split across both nodes at once take exactly the budget, and a prefix blocked on one node is
 * refused by the other with its next request.
 */
describe('fraud defence across nodes (PostgreSQL + Redis)', () => {
  const clock = new ManualClock('2026-12-02T09:00:00.000Z');
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
    await b?.services.close();
    await a?.services.close();
    await storage?.dispose();
    await vendors?.close();
  });

  it('50 concurrent sends over two nodes: a daily cap of 9 messages and a per-IP bucket of 12 are exact fleet-wide', async () => {
    const scene = await fraudScene(a, { budgets: { enabled: true, tenant: { daily: { messages: 9 } } }, velocity: { per_ip: { enabled: true, max_attempts: 12, rate: 3_600_000 } } });
    const logins = [];
    for (let i = 0; i < 50; i++) logins.push(await newLogin(i % 2 ? b : a, scene));
    const mark = vendors.a.messages.length;
    const results = await Promise.all(logins.map((l, i) => associateSms(i % 2 ? b : a, scene.tenant, l.mfaToken, ukMobile(i), { remoteAddress: '203.0.113.77' })));
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(9);
    expect(results.filter((r) => r.statusCode === 429)).toHaveLength(41);
    expect(vendors.a.messages.length - mark).toBe(9);
    expect((await a.limiter.peek({ name: 'velocity_per_ip', burst: 12, refillEveryMs: 3_600_000 }, `${scene.tenant.id}:203.0.113.77`)).remaining).toBe(3);
    expect((await eventsOf(a, scene.tenant, 'gl_fraud_alert')).filter((e) => e.details.alert === 'budget_reached')).toHaveLength(1);
  });

  it('a pumping block raised by node A is enforced by node B on its next request', async () => {
    const scene = await fraudScene(a);
    const statuses = [];
    for (let i = 0; i < 24; i++) statuses.push((await enrolment(i < 20 ? a : b, scene, vendors.a, ukMobile(i), { verify: false })).statusCode);
    expect(statuses).toEqual([...Array(20).fill(200), ...Array(4).fill(400)]);
    expect(await b.services.prefixBlocks.list(scene.tenant)).toEqual([expect.objectContaining({ prefix: '+44740', state: 'blocked' })]);
  });
});
