import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { acmeToken, errorBody, itRejectsBadRequests, managementApi, storeSnapshot, waitForLog } from './support.js';

const CONNECTION = 'Username-Password-Authentication';
const PASSWORD = 'Correct-Horse-Battery-9';
const invalid = (message: string) => errorBody(400, 'Bad Request', 'invalid_body', message);
const noUser = errorBody(404, 'Not Found', 'inexistent_user', 'The user does not exist.');
const noMethod = errorBody(404, 'Not Found', 'inexistent_authenticator', 'Authentication method not found');

interface MethodView {
  id: string;
  type: string;
  confirmed: boolean;
  created_at: string;
  name?: string;
  phone_number?: string;
  authentication_methods?: Array<{ id: string; type: string }>;
}

describe.each(DIALECTS)('Management API: users\' authentication methods (%s)', (dialect) => {
  const clock = new ManualClock('2026-03-01T09:00:00.000Z');
  const ctx = useTestContext(dialect, { clock });
  const api = managementApi(ctx);
  let serial = 0;
  /** A distinct valid US number per call: +1 415 555 01xx. */
  const nextNumber = () => `+1415555${String(100 + (++serial % 900)).padStart(4, '0')}`;

  async function createUser(options: { token?: string; host?: string } = {}) {
    serial += 1;
    const response = await api.call('POST', '/users', { ...options, payload: { connection: CONNECTION, email: `methods${serial}@example.com`, password: PASSWORD } });
    expect(response.statusCode).toBe(201);
    return response.json() as { user_id: string };
  }
  const methodsPath = (userId: string) => `/users/${encodeURIComponent(userId)}/authentication-methods`;
  const methodPath = (userId: string, methodId: string) => `${methodsPath(userId)}/${encodeURIComponent(methodId)}`;

  async function addPhone(userId: string, payload: Record<string, unknown> = {}, options: { token?: string; host?: string } = {}) {
    const response = await api.call('POST', methodsPath(userId), { ...options, payload: { type: 'phone', phone_number: nextNumber(), ...payload } });
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as MethodView;
  }
  const deviceId = (view: { id: string }) => view.id.split('|')[1]!;
  const rowsOf = (userId: string) =>
    ctx().handle.db.selectFrom('authenticators').selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy('id').execute();

  /** A phone enrollment the user started through the MFA API and never confirmed (with its pending recovery code). */
  async function insertPendingEnrollment(userId: string, phoneNumber: string) {
    const at = clock.now().toISOString();
    const base = { tenant_id: ctx().tenant.id, user_id: userId, preferred_method: null, name: null, secret_hash: null, created_at: at, enrolled_at: null, last_auth_at: null };
    const phoneId = `dev_pending${String(++serial).padStart(9, '0')}`;
    await ctx().services.deps.store.authenticators.insert({ ...base, id: phoneId, type: 'phone', status: 'pending', phone_number: phoneNumber, preferred_method: 'sms' });
    await ctx().services.deps.store.authenticators.insert({ ...base, id: `dev_recovery${String(serial).padStart(8, '0')}`, type: 'recovery-code', status: 'pending', phone_number: null, secret_hash: 'ab' });
    return phoneId;
  }

  describe('POST /users/:id/authentication-methods', () => {
    it('adds a confirmed phone in Auth0\'s shape: phone|dev_… with its sms| and voice| twins, the name masked', async () => {
      const user = await createUser();
      const at = clock.now().toISOString();
      const response = await api.call('POST', methodsPath(user.user_id), { payload: { type: 'phone', phone_number: '+819012345678' } });
      expect(response.statusCode).toBe(201);
      const view = response.json() as MethodView;
      expect(view.id).toMatch(/^phone\|dev_[A-Za-z0-9]{16}$/);
      const dev = deviceId(view);
      expect(view).toEqual({
        id: `phone|${dev}`,
        type: 'phone',
        confirmed: true,
        created_at: at,
        enrolled_at: at,
        name: 'XXXXXXXX5678',
        phone_number: '+819012345678',
        preferred_authentication_method: 'sms',
        authentication_methods: [
          { id: `sms|${dev}`, type: 'sms' },
          { id: `voice|${dev}`, type: 'voice' },
        ],
      });
      expect(await rowsOf(user.user_id)).toEqual([
        expect.objectContaining({ id: dev, type: 'phone', status: 'confirmed', phone_number: '+819012345678', preferred_method: 'sms', name: null, secret_hash: null }),
      ]);
      const entry = await waitForLog(api, 'type:gd_enrollment_complete', (e) => e.user_id === user.user_id);
      expect(entry.details).toEqual({ authenticator: { id: dev, type: 'phone', phone_number: 'XXXXXXXX5678' }, created_by: 'management_api' });
      await waitForLog(api, 'type:sapi', (e) => e.description === 'Create an authentication method for a user');
    });

    it('keeps a given name and preferred method (voice)', async () => {
      const user = await createUser();
      const view = await addPhone(user.user_id, { name: 'Work phone', preferred_authentication_method: 'voice' });
      expect(view).toMatchObject({ name: 'Work phone', preferred_authentication_method: 'voice' });
      expect((await api.call('GET', methodPath(user.user_id, view.id))).json()).toEqual(view);
    });

    it('refuses numbers that are not strict E.164, carry an extension or are not assigned, writing nothing', async () => {
      const user = await createUser();
      const before = await storeSnapshot(ctx);
      const cases: Array<[string, string]> = [
        ['+1 415 555 0100', 'phone_number: phone_number must be in E.164 format: a plus sign, the country code and the number, digits only, e.g. +14155550100'],
        ['14155550100', 'phone_number: phone_number must be in E.164 format: a plus sign, the country code and the number, digits only, e.g. +14155550100'],
        ['+14155550100 ext. 12', 'phone_number: phone_number must not include an extension'],
        ['+14155550100;ext=3', 'phone_number: phone_number must not include an extension'],
        ['+10000000000', 'phone_number: phone_number is not a valid phone number (unknown country code, or a prefix or length its country does not assign), e.g. +14155550100'],
      ];
      for (const [phone, message] of cases) {
        const response = await api.call('POST', methodsPath(user.user_id), { payload: { type: 'phone', phone_number: phone } });
        expect(response.json(), phone).toEqual(invalid(message));
      }
      const tooLong = await api.call('POST', methodsPath(user.user_id), { payload: { type: 'phone', phone_number: `+1${'4'.repeat(30)}` } });
      expect(tooLong.json()).toEqual(invalid("Payload validation error: 'phone_number: must NOT have more than 30 characters'."));
      expect(await storeSnapshot(ctx)).toEqual(before);
      // The refused number never reaches the log, not even in the fapi entries.
      await waitForLog(api, 'type:fapi', (e) => e.description === 'Create an authentication method for a user');
      expect((await api.call('GET', '/logs?per_page=100')).body).not.toContain('4155550100');
    });

    it('refuses other types, a phone without a number and a bad name with clear messages, writing nothing', async () => {
      const user = await createUser();
      const before = await storeSnapshot(ctx);
      const email = await api.call('POST', methodsPath(user.user_id), { payload: { type: 'email' } });
      expect(email.json()).toEqual(
        errorBody(400, 'Bad Request', 'operation_not_supported', 'type: Guardline supports only "phone" authentication methods, not "email"'),
      );
      const totp = await api.call('POST', methodsPath(user.user_id), { payload: { type: 'totp' } });
      expect(totp.json().errorCode).toBe('operation_not_supported');
      const unknown = await api.call('POST', methodsPath(user.user_id), { payload: { type: 'carrier-pigeon', phone_number: nextNumber() } });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().message).toMatch(/^Payload validation error: 'type: /);
      const noNumber = await api.call('POST', methodsPath(user.user_id), { payload: { type: 'phone' } });
      expect(noNumber.json()).toEqual(invalid("Payload validation error: 'Missing required property: phone_number'."));
      const noType = await api.call('POST', methodsPath(user.user_id), { payload: { phone_number: nextNumber() } });
      expect(noType.json()).toEqual(invalid("Payload validation error: 'Missing required property: type'."));
      const longName = await api.call('POST', methodsPath(user.user_id), { payload: { type: 'phone', phone_number: nextNumber(), name: 'x'.repeat(21) } });
      expect(longName.json()).toEqual(invalid("Payload validation error: 'name: must NOT have more than 20 characters'."));
      expect(await storeSnapshot(ctx)).toEqual(before);
    });

    it('answers 409 for the same number and 403 too_many_entities for a second phone, writing nothing', async () => {
      const user = await createUser();
      const phone = nextNumber();
      await addPhone(user.user_id, { phone_number: phone });
      const before = await storeSnapshot(ctx);
      const same = await api.call('POST', methodsPath(user.user_id), { payload: { type: 'phone', phone_number: phone } });
      expect(same.json()).toEqual(errorBody(409, 'Conflict', 'authentication_method_exists', 'Authentication method already exists'));
      const second = await api.call('POST', methodsPath(user.user_id), { payload: { type: 'phone', phone_number: nextNumber() } });
      expect(second.json()).toEqual(errorBody(403, 'Forbidden', 'too_many_entities', 'You reached the limit of entities of this type for this user'));
      expect(await storeSnapshot(ctx)).toEqual(before);
    });

    it('replaces an enrollment the user started and never confirmed, even for the same number', async () => {
      const user = await createUser();
      const phone = nextNumber();
      const pendingId = await insertPendingEnrollment(user.user_id, phone);
      const view = await addPhone(user.user_id, { phone_number: phone });
      expect(deviceId(view)).not.toBe(pendingId);
      // The pending phone and the pending recovery code that came with it are gone.
      expect((await rowsOf(user.user_id)).map((r) => [r.type, r.status])).toEqual([['phone', 'confirmed']]);
    });

    it('answers 404 inexistent_user for an unknown user, writing nothing', async () => {
      const before = await storeSnapshot(ctx);
      const response = await api.call('POST', methodsPath('auth0|nobody'), { payload: { type: 'phone', phone_number: nextNumber() } });
      expect(response.json()).toEqual(noUser);
      expect(await storeSnapshot(ctx)).toEqual(before);
    });

    itRejectsBadRequests(ctx, api, clock, {
      method: 'POST',
      path: async () => methodsPath((await createUser()).user_id),
      scopes: ['create:authentication_methods'],
      body: {
        valid: () => ({ type: 'phone', phone_number: nextNumber() }),
        unknownField: { totp_secret: 'JBSWY3DPEHPK3PXP' },
        wrongType: { name: 5 },
      },
    });
  });

  describe('GET /users/:id/authentication-methods', () => {
    it('lists the phone and the recovery code, oldest first; [] for a user without any; 404 for an unknown user', async () => {
      const user = await createUser();
      expect((await api.call('GET', methodsPath(user.user_id))).json()).toEqual([]);
      const phone = await addPhone(user.user_id);
      clock.advance(1000);
      const at = clock.now().toISOString();
      expect((await api.call('POST', `/users/${encodeURIComponent(user.user_id)}/recovery-code-regeneration`)).statusCode).toBe(200);
      const list = (await api.call('GET', methodsPath(user.user_id))).json() as MethodView[];
      expect(list).toHaveLength(2);
      expect(list[0]).toEqual(phone);
      expect(list[1]).toEqual({ id: expect.stringMatching(/^recovery-code\|dev_[A-Za-z0-9]{16}$/), type: 'recovery-code', confirmed: true, created_at: at, enrolled_at: at });
      expect((await api.call('GET', methodsPath('auth0|nobody'))).json()).toEqual(noUser);
    });

    it('shows an unfinished enrollment as confirmed: false', async () => {
      const user = await createUser();
      const pendingId = await insertPendingEnrollment(user.user_id, '+33612345678');
      const list = (await api.call('GET', methodsPath(user.user_id))).json() as MethodView[];
      expect(list.map((m) => [m.id, m.confirmed])).toEqual([
        [`phone|${pendingId}`, false],
        [expect.stringMatching(/^recovery-code\|/), false],
      ]);
    });

    it('pages with page/per_page and answers {start, limit, total, authenticators} with include_totals', async () => {
      const user = await createUser();
      const phone = await addPhone(user.user_id);
      clock.advance(1000);
      await api.call('POST', `/users/${encodeURIComponent(user.user_id)}/recovery-code-regeneration`);
      const all = (await api.call('GET', methodsPath(user.user_id))).json() as MethodView[];
      expect((await api.call('GET', `${methodsPath(user.user_id)}?per_page=1`)).json()).toEqual([phone]);
      expect((await api.call('GET', `${methodsPath(user.user_id)}?per_page=1&page=1`)).json()).toEqual([all[1]]);
      expect((await api.call('GET', `${methodsPath(user.user_id)}?per_page=1&page=2`)).json()).toEqual([]);
      expect((await api.call('GET', `${methodsPath(user.user_id)}?per_page=1&page=1&include_totals=true`)).json()).toEqual({
        start: 1,
        limit: 1,
        total: 2,
        authenticators: [all[1]],
      });
      expect((await api.call('GET', `${methodsPath(user.user_id)}?include_totals=true`)).json()).toEqual({ start: 0, limit: 50, total: 2, authenticators: all });
      // per_page=0 counts without listing.
      expect((await api.call('GET', `${methodsPath(user.user_id)}?per_page=0&include_totals=true`)).json()).toEqual({ start: 0, limit: 0, total: 2, authenticators: [] });
    });

    it('refuses per_page over 100, a negative page and unknown parameters', async () => {
      const user = await createUser();
      for (const query of ['per_page=101', 'page=-1', 'include_totals=maybe', 'fields=a,,b', 'nope=1']) {
        const response = await api.call('GET', `${methodsPath(user.user_id)}?${query}`);
        expect(response.statusCode, query).toBe(400);
        expect(response.json().errorCode, query).toBe('invalid_query_string');
      }
    });

    it("keeps tenants apart: acme sees neither default's users nor their methods", async () => {
      const user = await createUser();
      const phone = await addPhone(user.user_id);
      const acme = await acmeToken(ctx);
      const asAcme = { token: acme.token, host: acme.tenant.domain };
      expect((await api.call('GET', methodsPath(user.user_id), asAcme)).json()).toEqual(noUser);
      const acmeUser = await createUser(asAcme);
      const acmePhone = await addPhone(acmeUser.user_id, {}, asAcme);
      expect((await api.call('GET', methodsPath(acmeUser.user_id), asAcme)).json()).toEqual([acmePhone]);
      // Default's method id under acme's own user: not found, and not deletable.
      expect((await api.call('GET', methodPath(acmeUser.user_id, phone.id), asAcme)).json()).toEqual(noMethod);
      expect((await api.call('DELETE', methodPath(acmeUser.user_id, phone.id), asAcme)).json()).toEqual(noMethod);
      expect((await api.call('DELETE', methodsPath(user.user_id), asAcme)).json()).toEqual(noUser);
      expect((await api.call('GET', methodsPath(user.user_id))).json()).toEqual([phone]);
    });

    itRejectsBadRequests(ctx, api, clock, { method: 'GET', path: async () => methodsPath((await createUser()).user_id), scopes: ['read:authentication_methods'] });
  });

  describe('GET /users/:id/authentication-methods/:authentication_method_id', () => {
    it('finds the phone by phone|, sms|, voice| or bare dev_ id, and the recovery code by recovery-code|', async () => {
      const user = await createUser();
      const phone = await addPhone(user.user_id);
      const dev = deviceId(phone);
      for (const id of [`phone|${dev}`, `sms|${dev}`, `voice|${dev}`, dev]) {
        const response = await api.call('GET', methodPath(user.user_id, id));
        expect(response.statusCode, id).toBe(200);
        expect(response.json(), id).toEqual(phone);
      }
      const code = await api.call('POST', `/users/${encodeURIComponent(user.user_id)}/recovery-code-regeneration`);
      expect(code.statusCode).toBe(200);
      const recovery = ((await api.call('GET', methodsPath(user.user_id))).json() as MethodView[]).find((m) => m.type === 'recovery-code')!;
      expect((await api.call('GET', methodPath(user.user_id, recovery.id))).json()).toEqual(recovery);
      // A prefix that names the other kind does not match.
      expect((await api.call('GET', methodPath(user.user_id, `phone|${deviceId(recovery)}`))).json()).toEqual(noMethod);
      expect((await api.call('GET', methodPath(user.user_id, `recovery-code|${dev}`))).json()).toEqual(noMethod);
    });

    it("answers 404 for an unknown id, a malformed id, another user's method and an unknown user", async () => {
      const owner = await createUser();
      const other = await createUser();
      const phone = await addPhone(owner.user_id);
      expect((await api.call('GET', methodPath(owner.user_id, 'phone|dev_0000000000000000'))).json()).toEqual(noMethod);
      expect((await api.call('GET', methodPath(owner.user_id, 'not-an-id'))).json()).toEqual(noMethod);
      expect((await api.call('GET', methodPath(other.user_id, phone.id))).json()).toEqual(noMethod);
      expect((await api.call('GET', methodPath('auth0|nobody', phone.id))).json()).toEqual(noUser);
    });

    itRejectsBadRequests(ctx, api, clock, {
      method: 'GET',
      path: async () => {
        const user = await createUser();
        return methodPath(user.user_id, (await addPhone(user.user_id)).id);
      },
      scopes: ['read:authentication_methods'],
    });
  });

  describe('DELETE /users/:id/authentication-methods/:authentication_method_id', () => {
    it('deletes the phone (both channels) and, as the last phone, its recovery code; gd_unenroll masked', async () => {
      const user = await createUser();
      const phone = await addPhone(user.user_id, { phone_number: '+14155550177' });
      await api.call('POST', `/users/${encodeURIComponent(user.user_id)}/recovery-code-regeneration`);
      const recoveryId = (await rowsOf(user.user_id)).find((r) => r.type === 'recovery-code')!.id;
      const response = await api.call('DELETE', methodPath(user.user_id, `sms|${deviceId(phone)}`));
      expect(response.statusCode).toBe(204);
      expect(response.body).toBe('');
      for (const id of [phone.id, `voice|${deviceId(phone)}`]) expect((await api.call('GET', methodPath(user.user_id, id))).json()).toEqual(noMethod);
      expect(await rowsOf(user.user_id)).toEqual([]);
      const unenrolled = await waitForLog(api, 'type:gd_unenroll', (e) => e.user_id === user.user_id && (e.details as { authenticator: { type: string } }).authenticator.type === 'phone');
      expect(unenrolled.details).toEqual({ authenticator: { id: deviceId(phone), type: 'phone', phone_number: 'XXXXXXX0177' } });
      await waitForLog(api, 'type:gd_unenroll', (e) => (e.details as { authenticator: { id: string } }).authenticator.id === recoveryId);
      await waitForLog(api, 'type:sapi', (e) => e.description === 'Delete an authentication method by id');
      const logs = await api.call('GET', '/logs?per_page=100');
      expect(logs.body).not.toContain('4155550177');
    });

    it('deletes the recovery code alone and keeps the phone', async () => {
      const user = await createUser();
      const phone = await addPhone(user.user_id);
      await api.call('POST', `/users/${encodeURIComponent(user.user_id)}/recovery-code-regeneration`);
      const recovery = ((await api.call('GET', methodsPath(user.user_id))).json() as MethodView[]).find((m) => m.type === 'recovery-code')!;
      expect((await api.call('DELETE', methodPath(user.user_id, recovery.id))).statusCode).toBe(204);
      expect((await api.call('GET', methodsPath(user.user_id))).json()).toEqual([phone]);
    });

    it("answers 404 for another user's method, an unknown one and an unknown user, deleting nothing", async () => {
      const owner = await createUser();
      const other = await createUser();
      const phone = await addPhone(owner.user_id);
      const before = await storeSnapshot(ctx);
      expect((await api.call('DELETE', methodPath(other.user_id, phone.id))).json()).toEqual(noMethod);
      expect((await api.call('DELETE', methodPath(owner.user_id, 'phone|dev_0000000000000000'))).json()).toEqual(noMethod);
      expect((await api.call('DELETE', methodPath('auth0|nobody', phone.id))).json()).toEqual(noUser);
      expect(await storeSnapshot(ctx)).toEqual(before);
      expect((await api.call('DELETE', methodPath(owner.user_id, phone.id))).statusCode).toBe(204);
      expect((await api.call('DELETE', methodPath(owner.user_id, phone.id))).json()).toEqual(noMethod);
    });

    itRejectsBadRequests(ctx, api, clock, {
      method: 'DELETE',
      path: async () => {
        const user = await createUser();
        return methodPath(user.user_id, (await addPhone(user.user_id)).id);
      },
      scopes: ['delete:authentication_methods'],
    });
  });

  describe('DELETE /users/:id/authentication-methods', () => {
    it('deletes every method of the user, one gd_unenroll each, and leaves other users alone', async () => {
      const user = await createUser();
      const bystander = await createUser();
      const kept = await addPhone(bystander.user_id);
      await addPhone(user.user_id, { phone_number: '+14155550188' });
      await api.call('POST', `/users/${encodeURIComponent(user.user_id)}/recovery-code-regeneration`);
      const ids = (await rowsOf(user.user_id)).map((r) => r.id);
      expect(ids).toHaveLength(2);
      const response = await api.call('DELETE', methodsPath(user.user_id));
      expect(response.statusCode).toBe(204);
      expect((await api.call('GET', methodsPath(user.user_id))).json()).toEqual([]);
      expect((await api.call('GET', methodsPath(bystander.user_id))).json()).toEqual([kept]);
      for (const id of ids) await waitForLog(api, 'type:gd_unenroll', (e) => (e.details as { authenticator: { id: string } }).authenticator.id === id);
      await waitForLog(api, 'type:sapi', (e) => e.description === 'Delete all authentication methods for a user');
      expect((await api.call('GET', '/logs?per_page=100')).body).not.toContain('4155550188');
      // Nothing left: still 204.
      expect((await api.call('DELETE', methodsPath(user.user_id))).statusCode).toBe(204);
    });

    it('answers 404 inexistent_user for an unknown user', async () => {
      expect((await api.call('DELETE', methodsPath('auth0|nobody'))).json()).toEqual(noUser);
    });

    itRejectsBadRequests(ctx, api, clock, {
      method: 'DELETE',
      path: async () => {
        const user = await createUser();
        await addPhone(user.user_id);
        return methodsPath(user.user_id);
      },
      scopes: ['delete:authentication_methods'],
    });
  });
});
