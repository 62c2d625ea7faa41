import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { PASSWORD, createUser } from '../auth/helpers.js';
import { acmeToken, errorBody, itRejectsBadRequests, managementApi, storeSnapshot } from '../management/support.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { ATTACKER_IP, USER_IP, blockRows, configure, failLogins, passwordClient, passwordLogin } from './support.js';

const CONNECTION = 'Username-Password-Authentication';
const DAY = 86_400_000;

describe.each(DIALECTS)('Management API: user blocks (%s)', (dialect) => {
  const clock = new ManualClock('2026-05-01T00:00:00.000Z');
  const ctx = useTestContext(dialect, { clock });
  const api = managementApi(ctx);

  /** A user with an email and a username, blocked by name from ATTACKER_IP and by email from every IP. */
  async function blockedUser() {
    const client = await passwordClient(ctx());
    const username = `hanako${Math.floor(Math.random() * 1e9)}`;
    const user = await ctx().services.users.create(ctx().tenant, { connection: CONNECTION, email: `${username}@example.jp`, username, password: PASSWORD });
    const email = user.email!;
    await failLogins(ctx(), client, username, 10, ATTACKER_IP);
    await configure(ctx(), { mode: 'count_per_identifier' });
    await failLogins(ctx(), client, email.toUpperCase(), 10, USER_IP);
    await configure(ctx(), { mode: 'count_per_identifier_and_ip' });
    return { client, user, username, email };
  }

  describe('GET /user-blocks?identifier=', () => {
    it("lists the identifier's active blocks (no ip for a block that holds from every IP), matching case-insensitively", async () => {
      const { username, email } = await blockedUser();
      const byName = await api.call('GET', `/user-blocks?identifier=${encodeURIComponent(username)}`);
      expect(byName.statusCode).toBe(200);
      expect(byName.json()).toEqual({ blocked_for: [{ identifier: username, ip: ATTACKER_IP, connection: CONNECTION }] });
      const byEmail = await api.call('GET', `/user-blocks?identifier=${encodeURIComponent(email.toUpperCase())}`);
      expect(byEmail.json()).toEqual({ blocked_for: [{ identifier: email, connection: CONNECTION }] });
      expect((await api.call('GET', '/user-blocks?identifier=nobody%40example.com')).json()).toEqual({ blocked_for: [] });
    });

    it('leaves out expired blocks, and with consider_brute_force_enablement=true shows none while protection is off or does not block', async () => {
      const { username } = await blockedUser();
      const url = `/user-blocks?identifier=${username}&consider_brute_force_enablement=true`;
      expect((await api.call('GET', url)).json().blocked_for).toHaveLength(1);
      await configure(ctx(), { enabled: false });
      expect((await api.call('GET', url)).json()).toEqual({ blocked_for: [] });
      expect((await api.call('GET', `/user-blocks?identifier=${username}`)).json().blocked_for).toHaveLength(1);
      await configure(ctx(), { enabled: true, shields: ['user_notification'] });
      expect((await api.call('GET', url)).json()).toEqual({ blocked_for: [] });
      await configure(ctx(), { shields: ['block', 'user_notification'] });
      clock.advance(30 * DAY);
      expect((await api.call('GET', `/user-blocks?identifier=${username}`)).json()).toEqual({ blocked_for: [] });
    });

    it('needs an identifier', async () => {
      const response = await api.call('GET', '/user-blocks');
      expect(response.json()).toEqual(errorBody(400, 'Bad Request', 'invalid_query_string', "Query validation error: 'Missing required property: identifier'."));
    });

    itRejectsBadRequests(ctx, api, clock, { method: 'GET', path: () => '/user-blocks?identifier=someone', scopes: ['read:users'] });
  });

  describe('DELETE /user-blocks?identifier=', () => {
    it('lifts every block of the identifier: the right password works again, from every IP, with a full count', async () => {
      const { client, username, email } = await blockedUser();
      expect((await passwordLogin(ctx(), client, username, PASSWORD, ATTACKER_IP)).statusCode).toBe(429);
      const response = await api.call('DELETE', `/user-blocks?identifier=${encodeURIComponent(username.toUpperCase())}`);
      expect(response.statusCode).toBe(204);
      expect(response.body).toBe('');
      expect((await api.call('GET', `/user-blocks?identifier=${username}`)).json()).toEqual({ blocked_for: [] });
      expect((await passwordLogin(ctx(), client, username, PASSWORD, ATTACKER_IP)).statusCode).toBe(200);
      expect(await failLogins(ctx(), client, username, 9, ATTACKER_IP)).toEqual(Array(9).fill(403));
      // the email's block is another identifier's, and stays
      expect((await passwordLogin(ctx(), client, email, PASSWORD, USER_IP)).statusCode).toBe(429);
      // nothing to unblock is not an error
      expect((await api.call('DELETE', '/user-blocks?identifier=nobody')).statusCode).toBe(204);
    });

    it('with count_per_identifier, unblocking also gives back the full count of every IP', async () => {
      await configure(ctx(), { mode: 'count_per_identifier', max_attempts: 3 });
      try {
        const client = await passwordClient(ctx());
        const user = await createUser(ctx());
        await failLogins(ctx(), client, user.email, 2, '192.0.2.1');
        await api.call('DELETE', `/user-blocks?identifier=${encodeURIComponent(user.email)}`);
        expect(await failLogins(ctx(), client, user.email, 3, '192.0.2.2')).toEqual([403, 403, 429]);
      } finally {
        await configure(ctx(), { mode: 'count_per_identifier_and_ip', max_attempts: 10 });
      }
    });

    itRejectsBadRequests(ctx, api, clock, { method: 'DELETE', path: () => '/user-blocks?identifier=someone', scopes: ['update:users'] });
  });

  describe('GET|DELETE /user-blocks/{id}', () => {
    it("lists and lifts the blocks of the user's email and username", async () => {
      const { client, user, username, email } = await blockedUser();
      const id = encodeURIComponent(user.user_id);
      const listed = await api.call('GET', `/user-blocks/${id}`);
      expect(listed.statusCode).toBe(200);
      expect(listed.json().blocked_for).toEqual(
        expect.arrayContaining([
          { identifier: username, ip: ATTACKER_IP, connection: CONNECTION },
          { identifier: email, connection: CONNECTION },
        ]),
      );
      expect(listed.json().blocked_for).toHaveLength(2);
      await configure(ctx(), { enabled: false });
      expect((await api.call('GET', `/user-blocks/${id}?consider_brute_force_enablement=true`)).json()).toEqual({ blocked_for: [] });
      await configure(ctx(), { enabled: true });

      const removed = await api.call('DELETE', `/user-blocks/${id}`);
      expect(removed.statusCode).toBe(204);
      expect((await api.call('GET', `/user-blocks/${id}`)).json()).toEqual({ blocked_for: [] });
      expect(await blockRows(ctx()).then((rows) => rows.filter((r) => r.identifier === username || r.identifier === email))).toEqual([]);
      expect((await passwordLogin(ctx(), client, username, PASSWORD, ATTACKER_IP)).statusCode).toBe(200);
      expect((await passwordLogin(ctx(), client, email, PASSWORD, USER_IP)).statusCode).toBe(200);
    });

    it('answers 404 inexistent_user for an unknown user, changing nothing', async () => {
      const before = await storeSnapshot(ctx);
      for (const method of ['GET', 'DELETE'] as const) {
        const response = await api.call(method, '/user-blocks/auth0%7Cnobody');
        expect(response.statusCode).toBe(404);
        expect(response.json()).toEqual(errorBody(404, 'Not Found', 'inexistent_user', 'The user does not exist.'));
      }
      expect(await storeSnapshot(ctx)).toEqual(before);
    });

    itRejectsBadRequests(ctx, api, clock, { method: 'GET', path: async () => `/user-blocks/${encodeURIComponent((await createUser(ctx())).user_id)}`, scopes: ['read:users'] });
    itRejectsBadRequests(ctx, api, clock, { method: 'DELETE', path: async () => `/user-blocks/${encodeURIComponent((await createUser(ctx())).user_id)}`, scopes: ['update:users'] });
  });

  describe('a password change through PATCH /users/{id}', () => {
    it("lifts the blocks of the user's email and username (Guardline's password reset); other changes do not", async () => {
      const { client, user, username, email } = await blockedUser();
      const id = encodeURIComponent(user.user_id);
      expect((await api.call('PATCH', `/users/${id}`, { payload: { name: 'Hanako' } })).statusCode).toBe(200);
      expect((await api.call('GET', `/user-blocks/${id}`)).json().blocked_for).toHaveLength(2);
      const refused = await api.call('PATCH', `/users/${id}`, { payload: { password: 'short' } });
      expect(refused.statusCode).toBe(400);
      expect((await api.call('GET', `/user-blocks/${id}`)).json().blocked_for).toHaveLength(2);

      const newPassword = 'a brand new passphrase';
      expect((await api.call('PATCH', `/users/${id}`, { payload: { password: newPassword, connection: CONNECTION } })).statusCode).toBe(200);
      expect((await api.call('GET', `/user-blocks/${id}`)).json()).toEqual({ blocked_for: [] });
      expect((await passwordLogin(ctx(), client, username, newPassword, ATTACKER_IP)).statusCode).toBe(200);
      expect((await passwordLogin(ctx(), client, email, newPassword, USER_IP)).statusCode).toBe(200);
    });
  });

  it("keeps tenants apart: another tenant neither sees nor lifts this tenant's blocks", async () => {
    const { user, username } = await blockedUser();
    const acme = await acmeToken(ctx);
    const asAcme = { token: acme.token, host: acme.tenant.domain };
    expect((await api.call('GET', `/user-blocks?identifier=${username}`, asAcme)).json()).toEqual({ blocked_for: [] });
    expect((await api.call('DELETE', `/user-blocks?identifier=${username}`, asAcme)).statusCode).toBe(204);
    expect((await api.call('GET', `/user-blocks/${encodeURIComponent(user.user_id)}`, asAcme)).statusCode).toBe(404);
    expect((await api.call('DELETE', `/user-blocks/${encodeURIComponent(user.user_id)}`, asAcme)).statusCode).toBe(404);
    expect((await api.call('GET', `/user-blocks?identifier=${username}`)).json().blocked_for).toHaveLength(1);
  });
});
