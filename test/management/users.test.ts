import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { acmeToken, errorBody, itRejectsBadRequests, managementApi, storeSnapshot, waitForLog } from './support.js';

const CONNECTION = 'Username-Password-Authentication';
const PASSWORD = 'Correct-Horse-Battery-9';

describe.each(DIALECTS)('Management API: users (%s)', (dialect) => {
  const clock = new ManualClock('2026-03-01T09:00:00.000Z');
  const ctx = useTestContext(dialect, { clock });
  const api = managementApi(ctx);
  let serial = 0;

  async function createUser(extra: Record<string, unknown> = {}) {
    serial += 1;
    const response = await api.call('POST', '/users', {
      payload: { connection: CONNECTION, email: `user${serial}@example.com`, password: PASSWORD, ...extra },
    });
    expect(response.statusCode).toBe(201);
    return response.json() as { user_id: string; email: string; username?: string };
  }
  const userPath = (id: string) => `/users/${encodeURIComponent(id)}`;

  describe('POST /users', () => {
    it('creates a user of the default database connection in Auth0\'s shape, without the password', async () => {
      const at = clock.now().toISOString();
      const response = await api.call('POST', '/users', {
        payload: { connection: CONNECTION, email: 'Hanako@Example.com', password: PASSWORD, user_metadata: { plan: 'gold' } },
      });
      expect(response.statusCode).toBe(201);
      const user = response.json();
      expect(user.user_id).toMatch(/^auth0\|[0-9a-f]{24}$/);
      expect(user).toEqual({
        user_id: user.user_id,
        email: 'hanako@example.com',
        email_verified: false,
        name: 'hanako@example.com',
        nickname: 'hanako',
        picture: 'https://cdn.auth0.com/avatars/ha.png',
        blocked: false,
        created_at: at,
        updated_at: at,
        logins_count: 0,
        identities: [{ connection: CONNECTION, user_id: user.user_id.slice('auth0|'.length), provider: 'auth0', isSocial: false }],
        user_metadata: { plan: 'gold' },
        app_metadata: {},
      });
      expect(response.body).not.toContain(PASSWORD);
    });

    it('uses a given user_id with the auth0| prefix, and username, locale and names', async () => {
      const user = await createUser({ user_id: 'taro-1', username: 'taro', locale: 'ja', given_name: 'Taro', family_name: 'Yamada' });
      expect(user).toMatchObject({ user_id: 'auth0|taro-1', username: 'taro', locale: 'ja', given_name: 'Taro', family_name: 'Yamada' });
    });

    it('answers 409 auth0_idp_error to a second user with the same email, writing nothing', async () => {
      const first = await createUser();
      const before = await storeSnapshot(ctx);
      const response = await api.call('POST', '/users', { payload: { connection: CONNECTION, email: first.email.toUpperCase(), password: PASSWORD } });
      expect(response.json()).toEqual(errorBody(409, 'Conflict', 'auth0_idp_error', 'The user already exists.'));
      expect(await storeSnapshot(ctx)).toEqual(before);
    });

    it('refuses a missing connection, an unknown connection, a weak password and a bad email', async () => {
      const before = await storeSnapshot(ctx);
      const noConnection = await api.call('POST', '/users', { payload: { email: 'a@example.com', password: PASSWORD } });
      expect(noConnection.json()).toEqual(
        errorBody(400, 'Bad Request', 'invalid_body', "Payload validation error: 'Missing required property: connection'."),
      );
      const unknown = await api.call('POST', '/users', { payload: { connection: 'Nope', email: 'a@example.com', password: PASSWORD } });
      expect(unknown.json()).toEqual(errorBody(404, 'Not Found', 'inexistent_connection', 'The connection does not exist (Nope)'));
      const weak = await api.call('POST', '/users', { payload: { connection: CONNECTION, email: 'a@example.com', password: 'short' } });
      expect(weak.statusCode).toBe(400);
      expect(weak.json().errorCode).toBe('password_strength_error');
      const noPassword = await api.call('POST', '/users', { payload: { connection: CONNECTION, email: 'a@example.com' } });
      expect(noPassword.json()).toEqual(errorBody(400, 'Bad Request', 'invalid_body', 'Payload validation error: Missing required property: password'));
      const badEmail = await api.call('POST', '/users', { payload: { connection: CONNECTION, email: 'not-an-email', password: PASSWORD } });
      expect(badEmail.statusCode).toBe(400);
      expect(badEmail.json().message).toContain('email');
      expect(await storeSnapshot(ctx)).toEqual(before);
    });

    it('never writes the password to the log', async () => {
      const secret = 'Never-Log-Me-42!';
      const response = await api.call('POST', '/users', { payload: { connection: CONNECTION, email: 'quiet@example.com', password: secret } });
      expect(response.statusCode).toBe(201);
      await waitForLog(api, 'type:sapi', (e) => e.description === 'Create a User');
      // A rejected create with the password in it is logged as fapi — still without the password.
      await api.call('POST', '/users', { payload: { connection: CONNECTION, email: 'quiet@example.com', password: secret } });
      await waitForLog(api, 'type:fapi', (e) => e.description === 'Create a User');
      const logs = await api.call('GET', '/logs?per_page=100');
      expect(logs.body).not.toContain(secret);
      expect(logs.body).not.toContain('$argon2');
    });

    itRejectsBadRequests(ctx, api, clock, {
      method: 'POST',
      path: () => '/users',
      scopes: ['create:users'],
      body: {
        valid: () => ({ connection: CONNECTION, email: `valid${++serial}@example.com`, password: PASSWORD }),
        unknownField: { favourite_colour: 'blue' },
        wrongType: { blocked: 'no' },
      },
    });
  });

  describe('GET /users/:id', () => {
    it('returns the user by its URL-encoded id', async () => {
      const created = await createUser();
      const response = await api.call('GET', userPath(created.user_id));
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual(created);
    });

    it('answers 404 inexistent_user for an unknown id and for another tenant\'s user', async () => {
      const missing = await api.call('GET', userPath('auth0|000000000000000000000000'));
      expect(missing.json()).toEqual(errorBody(404, 'Not Found', 'inexistent_user', 'The user does not exist.'));
      const mine = await createUser();
      const acme = await acmeToken(ctx);
      const foreign = await api.call('GET', userPath(mine.user_id), { token: acme.token, host: acme.tenant.domain });
      expect(foreign.json()).toEqual(errorBody(404, 'Not Found', 'inexistent_user', 'The user does not exist.'));
    });

    itRejectsBadRequests(ctx, api, clock, { method: 'GET', path: async () => userPath((await createUser()).user_id), scopes: ['read:users'] });
  });

  describe('GET /users', () => {
    it('searches with q by email (quoted or not, any case) and username', async () => {
      const target = await createUser({ username: 'searchable' });
      for (const q of [`email:"${target.email}"`, `email:${target.email}`, `email:"${target.email.toUpperCase()}"`, 'username:searchable', `username:"searchable" AND email:"${target.email}"`]) {
        const response = await api.call('GET', `/users?q=${encodeURIComponent(q)}&search_engine=v3`);
        expect(response.statusCode, q).toBe(200);
        expect((response.json() as Array<{ user_id: string }>).map((u) => u.user_id), q).toEqual([target.user_id]);
      }
      const none = await api.call('GET', `/users?q=${encodeURIComponent('username:searchable AND email:"other@example.com"')}`);
      expect(none.json()).toEqual([]);
    });

    it('filters by connection and pages with include_totals', async () => {
      await createUser();
      await createUser();
      const all = (await api.call('GET', '/users?per_page=100')).json() as Array<{ user_id: string }>;
      const response = await api.call('GET', `/users?connection=${encodeURIComponent(CONNECTION)}&page=1&per_page=2&include_totals=true`);
      const body = response.json();
      expect(Object.keys(body).sort()).toEqual(['length', 'limit', 'start', 'total', 'users']);
      expect(body).toMatchObject({ start: 2, limit: 2, length: 2, total: all.length });
      expect(body.users.map((u: { user_id: string }) => u.user_id)).toEqual(all.slice(2, 4).map((u) => u.user_id));
      const elsewhere = await api.call('GET', '/users?connection=Other-Connection');
      expect(elsewhere.json()).toEqual([]);
    });

    it('answers 400 invalid_query_string to a q it does not support', async () => {
      for (const q of ['name:"Taro"', 'email:*@example.com', 'email:a@example.com OR username:b', 'email:(a OR b)', 'email:', 'email:"open', 'just words']) {
        const response = await api.call('GET', `/users?q=${encodeURIComponent(q)}`);
        expect(response.statusCode, q).toBe(400);
        expect(response.json().errorCode, q).toBe('invalid_query_string');
        expect(response.json().message, q).toMatch(/^Query validation error: .*Supported: email, username/);
      }
    });

    it('shows another tenant none of these users', async () => {
      await createUser();
      const acme = await acmeToken(ctx);
      const response = await api.call('GET', '/users?include_totals=true', { token: acme.token, host: acme.tenant.domain });
      expect(response.json()).toEqual({ start: 0, limit: 50, length: 0, total: 0, users: [] });
    });

    itRejectsBadRequests(ctx, api, clock, { method: 'GET', path: () => '/users', scopes: ['read:users'] });
  });

  describe('GET /users-by-email', () => {
    it('finds users by email, ignoring case, and answers [] for an unknown address', async () => {
      const target = await createUser();
      const response = await api.call('GET', `/users-by-email?email=${encodeURIComponent(target.email.toUpperCase())}`);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual([target]);
      expect((await api.call('GET', '/users-by-email?email=nobody%40example.com')).json()).toEqual([]);
    });

    it('requires the email parameter', async () => {
      const response = await api.call('GET', '/users-by-email');
      expect(response.json()).toEqual(
        errorBody(400, 'Bad Request', 'invalid_query_string', "Query validation error: 'Missing required property: email'."),
      );
    });

    itRejectsBadRequests(ctx, api, clock, { method: 'GET', path: () => '/users-by-email?email=a%40example.com', scopes: ['read:users'] });
  });

  describe('PATCH /users/:id', () => {
    it('updates the fields sent, merges metadata and removes keys set to null', async () => {
      const created = await createUser({ user_metadata: { a: 1, b: 2 }, app_metadata: { role: 'x' } });
      clock.advance(60_000);
      const response = await api.call('PATCH', userPath(created.user_id), {
        payload: { name: 'Hanako Yamada', blocked: true, user_metadata: { b: null, c: 3 }, app_metadata: null },
      });
      expect(response.statusCode).toBe(200);
      const user = response.json();
      expect(user).toMatchObject({ name: 'Hanako Yamada', blocked: true, user_metadata: { a: 1, c: 3 }, app_metadata: {} });
      expect(user.updated_at).toBe(clock.now().toISOString());
      expect((await api.call('GET', userPath(created.user_id))).json()).toEqual(user);
    });

    it('changes the password (the new one works, the old one does not) without echoing it', async () => {
      const created = await createUser();
      const newPassword = 'Another-Long-Passw0rd';
      const response = await api.call('PATCH', userPath(created.user_id), { payload: { password: newPassword, connection: CONNECTION } });
      expect(response.statusCode).toBe(200);
      expect(response.body).not.toContain(newPassword);
      expect((await ctx().services.users.verifyPassword(ctx().tenant, created.email, newPassword)).outcome).toBe('ok');
      expect((await ctx().services.users.verifyPassword(ctx().tenant, created.email, PASSWORD)).outcome).toBe('wrong_password');
      await waitForLog(api, 'type:sapi', (e) => (e.details as { request: { path: string } }).request.path === `/api/v2${userPath(created.user_id)}`);
      expect((await api.call('GET', '/logs?per_page=100')).body).not.toContain(newPassword);
    });

    it('marks a changed email unverified unless told otherwise', async () => {
      const created = await createUser({ email_verified: true });
      const changed = await api.call('PATCH', userPath(created.user_id), { payload: { email: `new-${created.email}` } });
      expect(changed.json()).toMatchObject({ email: `new-${created.email}`, email_verified: false });
      const verified = await api.call('PATCH', userPath(created.user_id), { payload: { email: `newer-${created.email}`, email_verified: true } });
      expect(verified.json()).toMatchObject({ email: `newer-${created.email}`, email_verified: true });
    });

    it('refuses a taken email (409), another connection and a weak password (400), changing nothing', async () => {
      const a = await createUser();
      const b = await createUser();
      const before = await storeSnapshot(ctx);
      const taken = await api.call('PATCH', userPath(b.user_id), { payload: { email: a.email, name: 'B' } });
      expect(taken.json()).toEqual(errorBody(409, 'Conflict', 'auth0_idp_error', 'The specified new email already exists'));
      const moved = await api.call('PATCH', userPath(b.user_id), { payload: { connection: 'Other', name: 'B' } });
      expect(moved.statusCode).toBe(400);
      expect(moved.json().message).toContain('another connection');
      const weak = await api.call('PATCH', userPath(b.user_id), { payload: { password: 'short', name: 'B' } });
      expect(weak.json().errorCode).toBe('password_strength_error');
      expect(await storeSnapshot(ctx)).toEqual(before);
    });

    it('answers 404 for an unknown user', async () => {
      const response = await api.call('PATCH', userPath('auth0|nobody'), { payload: { name: 'x' } });
      expect(response.json()).toEqual(errorBody(404, 'Not Found', 'inexistent_user', 'The user does not exist.'));
    });

    itRejectsBadRequests(ctx, api, clock, {
      method: 'PATCH',
      path: async () => userPath((await createUser()).user_id),
      scopes: ['update:users'],
      body: { valid: () => ({ name: 'Renamed' }), unknownField: { user_id: 'auth0|other' }, wrongType: { email_verified: 'true' } },
    });
  });

  describe('DELETE /users/:id', () => {
    it('deletes the user: 204, then 404', async () => {
      const created = await createUser();
      const response = await api.call('DELETE', userPath(created.user_id));
      expect(response.statusCode).toBe(204);
      expect(response.body).toBe('');
      expect((await api.call('GET', userPath(created.user_id))).statusCode).toBe(404);
      expect((await api.call('DELETE', userPath(created.user_id))).json()).toEqual(
        errorBody(404, 'Not Found', 'inexistent_user', 'The user does not exist.'),
      );
      const entry = await waitForLog(api, 'type:sapi', (e) => e.description === 'Delete a User');
      expect(entry.details).toEqual({ request: { method: 'DELETE', path: `/api/v2${userPath(created.user_id)}` }, response: { statusCode: 204 } });
    });

    itRejectsBadRequests(ctx, api, clock, { method: 'DELETE', path: async () => userPath((await createUser()).user_id), scopes: ['delete:users'] });
  });

  describe('GET /users/:id/logs', () => {
    it('returns only that user\'s log events, newest first', async () => {
      const user = await createUser();
      const other = await createUser();
      await ctx().services.events.record(ctx().tenant.id, { type: 'fp', userId: user.user_id, userName: user.email });
      clock.advance(1000);
      await ctx().services.events.record(ctx().tenant.id, { type: 's', userId: user.user_id, userName: user.email });
      await ctx().services.events.record(ctx().tenant.id, { type: 's', userId: other.user_id });
      const response = await api.call('GET', `${userPath(user.user_id)}/logs?include_totals=true`);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body).toMatchObject({ start: 0, limit: 50, length: 2, total: 2 });
      expect(body.logs.map((l: { type: string; user_id: string }) => `${l.type}:${l.user_id}`)).toEqual([`s:${user.user_id}`, `fp:${user.user_id}`]);
      const oldestFirst = await api.call('GET', `${userPath(user.user_id)}/logs?sort=date:1`);
      expect(oldestFirst.json().map((l: { type: string }) => l.type)).toEqual(['fp', 's']);
    });

    itRejectsBadRequests(ctx, api, clock, {
      method: 'GET',
      path: async () => `${userPath((await createUser()).user_id)}/logs`,
      scopes: ['read:logs', 'read:logs_users'],
    });
  });
});
