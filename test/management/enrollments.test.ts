import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { acmeToken, errorBody, itRejectsBadRequests, managementApi, storeSnapshot, waitForLog } from './support.js';

const CONNECTION = 'Username-Password-Authentication';
const PASSWORD = 'Correct-Horse-Battery-9';
const noUser = errorBody(404, 'Not Found', 'inexistent_user', 'The user does not exist.');
const noEnrollment = errorBody(404, 'Not Found', 'inexistent_authenticator', 'Enrollment not found');
const unsupported = (message: string) => errorBody(400, 'Bad Request', 'operation_not_supported', message);

describe.each(DIALECTS)('Management API: guardian enrollments, tickets and recovery codes (%s)', (dialect) => {
  const clock = new ManualClock('2026-03-01T09:00:00.000Z');
  const ctx = useTestContext(dialect, { clock });
  const api = managementApi(ctx);
  let serial = 0;
  const nextNumber = () => `+1415555${String(100 + (++serial % 900)).padStart(4, '0')}`;

  async function createUser(options: { token?: string; host?: string } = {}) {
    serial += 1;
    const response = await api.call('POST', '/users', { ...options, payload: { connection: CONNECTION, email: `enroll${serial}@example.com`, password: PASSWORD } });
    expect(response.statusCode).toBe(201);
    return response.json() as { user_id: string };
  }
  const userPath = (id: string) => `/users/${encodeURIComponent(id)}`;
  /** Adds a confirmed phone through POST authentication-methods; returns its enrollment (device) id. */
  async function addPhone(userId: string, phoneNumber = nextNumber()) {
    const response = await api.call('POST', `${userPath(userId)}/authentication-methods`, { payload: { type: 'phone', phone_number: phoneNumber } });
    expect(response.statusCode, response.body).toBe(201);
    return (response.json() as { id: string }).id.split('|')[1]!;
  }
  const regenerate = (userId: string) => api.call('POST', `${userPath(userId)}/recovery-code-regeneration`);
  const rowsOf = (userId: string) =>
    ctx().handle.db.selectFrom('authenticators').selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy('id').execute();

  describe('GET /guardian/enrollments/:id', () => {
    it('returns the phone enrollment by its dev_ id', async () => {
      const user = await createUser();
      const at = clock.now().toISOString();
      const dev = await addPhone(user.user_id, '+14155550142');
      const response = await api.call('GET', `/guardian/enrollments/${dev}`);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        id: dev,
        status: 'confirmed',
        type: 'sms',
        name: 'XXXXXXX0142',
        phone_number: '+14155550142',
        auth_method: 'sms',
        enrolled_at: at,
      });
    });

    it('shows an enrollment the user has not confirmed yet as pending, with last_auth once used', async () => {
      const user = await createUser();
      const at = clock.now().toISOString();
      await ctx().services.deps.store.authenticators.insert({
        id: 'dev_PendingPhone0001',
        tenant_id: ctx().tenant.id,
        user_id: user.user_id,
        type: 'phone',
        status: 'pending',
        phone_number: '+33612345678',
        preferred_method: 'sms',
        name: null,
        secret_hash: null,
        created_at: at,
        enrolled_at: null,
        last_auth_at: null,
      });
      expect((await api.call('GET', '/guardian/enrollments/dev_PendingPhone0001')).json()).toEqual({
        id: 'dev_PendingPhone0001',
        status: 'pending',
        type: 'sms',
        name: 'XXXXXXX5678',
        phone_number: '+33612345678',
        auth_method: 'sms',
      });
      await ctx().services.deps.store.authenticators.update(ctx().tenant.id, 'dev_PendingPhone0001', { status: 'confirmed', enrolled_at: at, last_auth_at: at });
      expect((await api.call('GET', '/guardian/enrollments/dev_PendingPhone0001')).json()).toMatchObject({ status: 'confirmed', enrolled_at: at, last_auth: at });
    });

    it('answers 404 for an unknown id, a prefixed id, a recovery code and another tenant\'s enrollment', async () => {
      const user = await createUser();
      const dev = await addPhone(user.user_id);
      expect((await regenerate(user.user_id)).statusCode).toBe(200);
      const recovery = (await rowsOf(user.user_id)).find((r) => r.type === 'recovery-code')!;
      for (const id of ['dev_0000000000000000', `phone|${dev}`, `sms|${dev}`, recovery.id, 'nope']) {
        expect((await api.call('GET', `/guardian/enrollments/${encodeURIComponent(id)}`)).json(), id).toEqual(noEnrollment);
      }
      const acme = await acmeToken(ctx);
      expect((await api.call('GET', `/guardian/enrollments/${dev}`, { token: acme.token, host: acme.tenant.domain })).json()).toEqual(noEnrollment);
    });

    itRejectsBadRequests(ctx, api, clock, {
      method: 'GET',
      path: async () => `/guardian/enrollments/${await addPhone((await createUser()).user_id)}`,
      scopes: ['read:guardian_enrollments'],
    });
  });

  describe('DELETE /guardian/enrollments/:id', () => {
    it('deletes the phone (sms and voice are one enrollment) and its recovery code; gd_unenroll masked', async () => {
      const user = await createUser();
      const dev = await addPhone(user.user_id, '+14155550143');
      expect((await regenerate(user.user_id)).statusCode).toBe(200);
      const response = await api.call('DELETE', `/guardian/enrollments/${dev}`);
      expect(response.statusCode).toBe(204);
      expect(response.body).toBe('');
      expect((await api.call('GET', `/guardian/enrollments/${dev}`)).json()).toEqual(noEnrollment);
      for (const channel of ['sms', 'voice']) {
        expect((await api.call('GET', `${userPath(user.user_id)}/authentication-methods/${channel}%7C${dev}`)).statusCode).toBe(404);
      }
      expect(await rowsOf(user.user_id)).toEqual([]);
      const entry = await waitForLog(api, 'type:gd_unenroll', (e) => (e.details as { authenticator: { id: string } }).authenticator.id === dev);
      expect(entry).toMatchObject({ user_id: user.user_id, details: { authenticator: { id: dev, type: 'phone', phone_number: 'XXXXXXX0143' } } });
      await waitForLog(api, 'type:sapi', (e) => e.description === 'Delete a multi-factor authentication enrollment');
      expect((await api.call('GET', '/logs?per_page=100')).body).not.toContain('4155550143');
      // Gone: a second delete is a 404.
      expect((await api.call('DELETE', `/guardian/enrollments/${dev}`)).json()).toEqual(noEnrollment);
    });

    it("cannot delete another tenant's enrollment", async () => {
      const user = await createUser();
      const dev = await addPhone(user.user_id);
      const acme = await acmeToken(ctx);
      const before = await storeSnapshot(ctx);
      expect((await api.call('DELETE', `/guardian/enrollments/${dev}`, { token: acme.token, host: acme.tenant.domain })).json()).toEqual(noEnrollment);
      expect(await storeSnapshot(ctx)).toEqual(before);
    });

    itRejectsBadRequests(ctx, api, clock, {
      method: 'DELETE',
      path: async () => `/guardian/enrollments/${await addPhone((await createUser()).user_id)}`,
      scopes: ['delete:guardian_enrollments'],
    });
  });

  describe('POST /guardian/enrollments/ticket', () => {
    const tickets = () => ctx().handle.db.selectFrom('enrollment_tickets').selectAll().execute();

    it('answers {ticket_id, ticket_url} and stores only the hash of the secret, valid for five days', async () => {
      const user = await createUser();
      const now = clock.now().getTime();
      const response = await api.call('POST', '/guardian/enrollments/ticket', {
        payload: { user_id: user.user_id, send_mail: false, email: 'someone@example.com', email_locale: 'ja', factor: 'phone', allow_multiple_enrollments: false },
      });
      expect(response.statusCode).toBe(200);
      const body = response.json() as { ticket_id: string; ticket_url: string };
      expect(Object.keys(body).sort()).toEqual(['ticket_id', 'ticket_url']);
      expect(body.ticket_id).toMatch(/^tkt_[A-Za-z0-9]{16}$/);
      const url = new URL(body.ticket_url);
      expect(`${url.origin}${url.pathname}`).toBe('http://guardline.test/u/guardian/enroll');
      const secret = url.searchParams.get('ticket')!;
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const row = (await tickets()).find((t) => t.id === body.ticket_id)!;
      expect(row).toEqual({
        ticket_hash: createHash('sha256').update(secret).digest('hex'),
        id: body.ticket_id,
        tenant_id: ctx().tenant.id,
        user_id: user.user_id,
        factor: 'phone',
        created_at: new Date(now).toISOString(),
        expires_at: new Date(now + 5 * 24 * 60 * 60 * 1000).toISOString(),
        consumed_at: null,
      });
      expect(JSON.stringify(await tickets())).not.toContain(secret);
      const entry = await waitForLog(api, 'type:sapi', (e) => e.description === 'Create a multi-factor authentication enrollment ticket');
      expect(JSON.stringify(entry)).not.toContain(secret);
    });

    it('gives a new secret every time; a ticket without factor stores none', async () => {
      const user = await createUser();
      const first = (await api.call('POST', '/guardian/enrollments/ticket', { payload: { user_id: user.user_id } })).json();
      const second = (await api.call('POST', '/guardian/enrollments/ticket', { payload: { user_id: user.user_id } })).json();
      expect(first.ticket_id).not.toBe(second.ticket_id);
      expect(first.ticket_url).not.toBe(second.ticket_url);
      expect((await tickets()).find((t) => t.id === first.ticket_id)!.factor).toBeNull();
    });

    it("uses the tenant's own issuer for the URL", async () => {
      const acme = await acmeToken(ctx);
      const asAcme = { token: acme.token, host: acme.tenant.domain };
      const user = await createUser(asAcme);
      const response = await api.call('POST', '/guardian/enrollments/ticket', { ...asAcme, payload: { user_id: user.user_id } });
      expect(response.json().ticket_url).toMatch(/^http:\/\/acme\.guardline\.test\/u\/guardian\/enroll\?ticket=/);
    });

    it("answers 404 \"User not found\" for an unknown user and another tenant's user, writing nothing", async () => {
      const user = await createUser();
      const acme = await acmeToken(ctx);
      const before = await storeSnapshot(ctx);
      const notFound = errorBody(404, 'Not Found', 'inexistent_user', 'User not found');
      expect((await api.call('POST', '/guardian/enrollments/ticket', { payload: { user_id: 'auth0|nobody' } })).json()).toEqual(notFound);
      const foreign = await api.call('POST', '/guardian/enrollments/ticket', { token: acme.token, host: acme.tenant.domain, payload: { user_id: user.user_id } });
      expect(foreign.json()).toEqual(notFound);
      expect(await storeSnapshot(ctx)).toEqual(before);
    });

    it('refuses send_mail: true (no email), factors other than phone and allow_multiple_enrollments, writing nothing', async () => {
      const user = await createUser();
      const before = await storeSnapshot(ctx);
      const mail = await api.call('POST', '/guardian/enrollments/ticket', { payload: { user_id: user.user_id, send_mail: true } });
      expect(mail.json()).toEqual(unsupported('send_mail: Guardline sends no email; send "send_mail": false and hand the ticket_url to the user yourself'));
      const otp = await api.call('POST', '/guardian/enrollments/ticket', { payload: { user_id: user.user_id, factor: 'otp' } });
      expect(otp.json()).toEqual(unsupported('factor: Guardline enrolls only the phone factor ("phone"), not "otp"'));
      const multiple = await api.call('POST', '/guardian/enrollments/ticket', { payload: { user_id: user.user_id, allow_multiple_enrollments: true } });
      expect(multiple.json()).toEqual(unsupported('allow_multiple_enrollments: Guardline enrolls one phone per user'));
      const sms = await api.call('POST', '/guardian/enrollments/ticket', { payload: { user_id: user.user_id, factor: 'sms' } });
      expect(sms.statusCode).toBe(400);
      expect(sms.json().message).toMatch(/^Payload validation error: 'factor: /);
      const noUserId = await api.call('POST', '/guardian/enrollments/ticket', { payload: {} });
      expect(noUserId.json()).toEqual(errorBody(400, 'Bad Request', 'invalid_body', "Payload validation error: 'Missing required property: user_id'."));
      expect(await storeSnapshot(ctx)).toEqual(before);
    });

    itRejectsBadRequests(ctx, api, clock, {
      method: 'POST',
      path: () => '/guardian/enrollments/ticket',
      scopes: ['create:guardian_enrollment_tickets'],
      body: { valid: () => ({ user_id: 'auth0|someone' }), unknownField: { connection_id: 'con_1' }, wrongType: { send_mail: 'false' } },
    });
  });

  describe('GET /users/:id/enrollments', () => {
    it('lists the confirmed phone enrollment; [] before and for an unfinished one; 404 for an unknown user', async () => {
      const user = await createUser();
      expect((await api.call('GET', `${userPath(user.user_id)}/enrollments`)).json()).toEqual([]);
      const dev = await addPhone(user.user_id);
      expect((await regenerate(user.user_id)).statusCode).toBe(200);
      const single = (await api.call('GET', `/guardian/enrollments/${dev}`)).json();
      const response = await api.call('GET', `${userPath(user.user_id)}/enrollments`);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual([single]);

      const pendingUser = await createUser();
      await ctx().services.deps.store.authenticators.insert({
        id: 'dev_PendingPhone0002',
        tenant_id: ctx().tenant.id,
        user_id: pendingUser.user_id,
        type: 'phone',
        status: 'pending',
        phone_number: nextNumber(),
        preferred_method: 'sms',
        name: null,
        secret_hash: null,
        created_at: clock.now().toISOString(),
        enrolled_at: null,
        last_auth_at: null,
      });
      expect((await api.call('GET', `${userPath(pendingUser.user_id)}/enrollments`)).json()).toEqual([]);
      expect((await api.call('GET', `${userPath('auth0|nobody')}/enrollments`)).json()).toEqual(noUser);
    });

    itRejectsBadRequests(ctx, api, clock, { method: 'GET', path: async () => `${userPath((await createUser()).user_id)}/enrollments`, scopes: ['read:users'] });
  });

  describe('DELETE /users/:id/authenticators', () => {
    it('deletes the phone and the recovery code, gd_unenroll each; 204 again with nothing left; 404 for an unknown user', async () => {
      const user = await createUser();
      await addPhone(user.user_id, '+14155550144');
      expect((await regenerate(user.user_id)).statusCode).toBe(200);
      const ids = (await rowsOf(user.user_id)).map((r) => r.id);
      const response = await api.call('DELETE', `${userPath(user.user_id)}/authenticators`);
      expect(response.statusCode).toBe(204);
      expect(await rowsOf(user.user_id)).toEqual([]);
      for (const id of ids) await waitForLog(api, 'type:gd_unenroll', (e) => (e.details as { authenticator: { id: string } }).authenticator.id === id);
      await waitForLog(api, 'type:sapi', (e) => e.description === 'Delete All Authenticators of a User');
      expect((await api.call('GET', '/logs?per_page=100')).body).not.toContain('4155550144');
      expect((await api.call('DELETE', `${userPath(user.user_id)}/authenticators`)).statusCode).toBe(204);
      expect((await api.call('DELETE', `${userPath('auth0|nobody')}/authenticators`)).json()).toEqual(noUser);
    });

    itRejectsBadRequests(ctx, api, clock, {
      method: 'DELETE',
      path: async () => {
        const user = await createUser();
        await addPhone(user.user_id);
        return `${userPath(user.user_id)}/authenticators`;
      },
      scopes: ['delete:guardian_enrollments'],
    });
  });

  describe('POST /users/:id/recovery-code-regeneration', () => {
    it('answers a new 24-character code each time, keeps only its keyed hash, and the old code stops matching', async () => {
      const user = await createUser();
      await addPhone(user.user_id);
      const first = await regenerate(user.user_id);
      expect(first.statusCode).toBe(200);
      const firstCode = first.json().recovery_code as string;
      expect(first.json()).toEqual({ recovery_code: expect.stringMatching(/^[A-Z0-9]{24}$/) });
      const recoveryRow = async () => (await rowsOf(user.user_id)).find((r) => r.type === 'recovery-code')!;
      const firstRow = await recoveryRow();
      expect(firstRow).toMatchObject({ status: 'confirmed', secret_hash: expect.stringMatching(/^[0-9a-f]{64}$/) });

      const second = await regenerate(user.user_id);
      const secondCode = second.json().recovery_code as string;
      expect(secondCode).toMatch(/^[A-Z0-9]{24}$/);
      expect(secondCode).not.toBe(firstCode);
      const secondRow = await recoveryRow();
      expect(secondRow.id).toBe(firstRow.id);
      expect(secondRow.secret_hash).not.toBe(firstRow.secret_hash);
      const matches = ctx().services.authenticators.recoveryCodeMatches;
      expect(matches(secondRow, secondCode)).toBe(true);
      expect(matches(secondRow, firstCode)).toBe(false);

      // Neither code is stored or logged anywhere.
      const stored = JSON.stringify(await storeSnapshot(ctx));
      const logs = (await api.call('GET', '/logs?per_page=100')).body;
      for (const code of [firstCode, secondCode]) {
        expect(stored).not.toContain(code);
        expect(logs).not.toContain(code);
      }
      const entry = await waitForLog(api, 'type:gd_update_device_account', (e) => e.user_id === user.user_id);
      expect(entry.details).toEqual({ authenticator: { id: firstRow.id, type: 'recovery-code' }, updated_by: 'management_api' });
      await waitForLog(api, 'type:sapi', (e) => e.description === 'Regenerate a recovery code');
    });

    it('confirms a recovery code left pending by an unfinished enrollment', async () => {
      const user = await createUser();
      await addPhone(user.user_id);
      await ctx().services.deps.store.authenticators.insert({
        id: 'dev_PendingRecov0001',
        tenant_id: ctx().tenant.id,
        user_id: user.user_id,
        type: 'recovery-code',
        status: 'pending',
        phone_number: null,
        preferred_method: null,
        name: null,
        secret_hash: 'ab',
        created_at: clock.now().toISOString(),
        enrolled_at: null,
        last_auth_at: null,
      });
      expect((await regenerate(user.user_id)).statusCode).toBe(200);
      expect((await rowsOf(user.user_id)).find((r) => r.id === 'dev_PendingRecov0001')).toMatchObject({ status: 'confirmed', enrolled_at: clock.now().toISOString() });
    });

    it('answers 404 for a user without a confirmed phone (nothing written) and for an unknown user', async () => {
      const user = await createUser();
      const before = await storeSnapshot(ctx);
      expect((await regenerate(user.user_id)).json()).toEqual(
        errorBody(404, 'Not Found', 'inexistent_authenticator', 'The user has no confirmed phone enrollment, so no recovery code can be generated'),
      );
      expect(await storeSnapshot(ctx)).toEqual(before);
      expect((await regenerate('auth0|nobody')).json()).toEqual(noUser);
    });

    itRejectsBadRequests(ctx, api, clock, {
      method: 'POST',
      path: async () => {
        const user = await createUser();
        await addPhone(user.user_id);
        return `${userPath(user.user_id)}/recovery-code-regeneration`;
      },
      scopes: ['update:users'],
    });
  });
});
