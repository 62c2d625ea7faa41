import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { createClient, createUser } from '../auth/helpers.js';
import type { TestContext } from '../support/harness.js';
import { managementToken } from '../support/harness.js';
import { postgresAndRedis, sqliteFile, startNode, type SharedStorage } from '../support/nodes.js';
import { ATTACKER_IP, PASSWORD, TOO_MANY_ATTEMPTS, USER_IP, failLogins, passwordLogin, times } from './support.js';

/**
 * Counts and blocks are the fleet's, not a node's: two nodes on one PostgreSQL schema and one Redis prefix count
 * one identifier's failures together (Redis), and a block written by one refuses on the other (database). A node
 * started again over the same storage still refuses: nothing of the protection lives in process memory.
 */
describe('brute-force protection across nodes (PostgreSQL + Redis)', () => {
  const clock = new ManualClock('2026-06-01T10:00:00.000Z');
  let storage: SharedStorage;
  let a: TestContext;
  let b: TestContext;

  beforeAll(async () => {
    storage = postgresAndRedis(clock);
    a = await startNode(storage);
    b = await startNode(storage);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await storage?.dispose();
  });

  it('failures alternating between the nodes add up to one threshold, and the block holds on both', async () => {
    const client = await createClient(a);
    const user = await createUser(a);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push(...(await failLogins(i % 2 ? b : a, client, user.email, 1)));
    expect(statuses).toEqual([...times(9, 403), 429]);
    for (const node of [a, b]) {
      const response = await passwordLogin(node, client, user.email, PASSWORD);
      expect(response.statusCode).toBe(429);
      expect(response.json()).toEqual(TOO_MANY_ATTEMPTS);
      expect((await passwordLogin(node, client, user.email, PASSWORD, USER_IP)).statusCode).toBe(200);
    }
  });

  it('a success on one node resets the count the other node sees', async () => {
    const client = await createClient(a);
    const user = await createUser(a);
    await failLogins(a, client, user.email, 9);
    expect((await passwordLogin(b, client, user.email, PASSWORD)).statusCode).toBe(200);
    expect(await failLogins(a, client, user.email, 9)).toEqual(times(9, 403));
  });

  it('settings changed through one node apply on the other, and an unblock through one node frees the user on both', async () => {
    const token = await managementToken(a);
    const call = (node: TestContext, method: 'PATCH' | 'DELETE' | 'GET', url: string, payload?: object) =>
      node.app.inject({ method, url: `/api/v2${url}`, headers: { host: node.tenant.domain, authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
    expect((await call(a, 'PATCH', '/attack-protection/brute-force-protection', { mode: 'count_per_identifier', max_attempts: 2 })).statusCode).toBe(200);
    try {
      const client = await createClient(a);
      const user = await createUser(a);
      await failLogins(b, client, user.email, 1, '192.0.2.1');
      expect(await failLogins(a, client, user.email, 1, '192.0.2.2')).toEqual([429]);
      expect((await passwordLogin(b, client, user.email, PASSWORD, USER_IP)).statusCode).toBe(429);
      expect((await call(b, 'GET', `/user-blocks?identifier=${encodeURIComponent(user.email)}`)).json()).toEqual({
        blocked_for: [{ identifier: user.email, connection: 'Username-Password-Authentication' }],
      });
      expect((await call(b, 'DELETE', `/user-blocks?identifier=${encodeURIComponent(user.email)}`)).statusCode).toBe(204);
      expect((await passwordLogin(a, client, user.email, PASSWORD, USER_IP)).statusCode).toBe(200);
    } finally {
      await call(a, 'PATCH', '/attack-protection/brute-force-protection', { mode: 'count_per_identifier_and_ip', max_attempts: 10 });
    }
  });

  it('a node started again over the same storage still refuses the blocked identifier and keeps the count', async () => {
    const client = await createClient(a);
    const blocked = await createUser(a);
    const counting = await createUser(a);
    await failLogins(a, client, blocked.email, 10);
    await failLogins(a, client, counting.email, 6);
    await a.close();
    await b.close();
    a = await startNode(storage);
    b = await startNode(storage);
    expect((await passwordLogin(a, client, blocked.email, PASSWORD)).json()).toEqual(TOO_MANY_ATTEMPTS);
    expect(await failLogins(b, client, counting.email, 4)).toEqual([403, 403, 403, 429]);
  });
});

describe('brute-force protection across a restart (embedded SQLite file)', () => {
  const clock = new ManualClock('2026-06-01T10:00:00.000Z');
  let storage: SharedStorage;
  let node: TestContext | undefined;

  beforeAll(() => {
    storage = sqliteFile(clock);
  });
  afterAll(async () => {
    await node?.close();
    await storage?.dispose();
  });

  it('the block written before the restart is still enforced after it, and the settings too', async () => {
    node = await startNode(storage);
    await node.services.bruteForce.update(node.tenant, { max_attempts: 3 });
    const client = await createClient(node);
    const user = await createUser(node);
    expect(await failLogins(node, client, user.email, 3)).toEqual([403, 403, 429]);
    await node.close();
    node = await startNode(storage);
    expect((await node.services.bruteForce.settings(node.tenant)).max_attempts).toBe(3);
    const response = await passwordLogin(node, client, user.email, PASSWORD, ATTACKER_IP);
    expect(response.statusCode).toBe(429);
    expect(response.json()).toEqual(TOO_MANY_ATTEMPTS);
  });
});
