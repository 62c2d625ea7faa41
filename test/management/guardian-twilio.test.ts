import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { buildApp } from '../../src/http/app.js';
import { DIALECTS, managementToken, useTestContext } from '../support/harness.js';
import { acmeToken, errorBody, itRejectsBadRequests, managementApi, storeSnapshot, waitForLog } from './support.js';

const PHONE = '/guardian/factors/phone/providers/twilio';
const SMS = '/guardian/factors/sms/providers/twilio';
const form = { 'content-type': 'application/x-www-form-urlencoded' };
const schemaError = (detail: string) => errorBody(400, 'Bad Request', 'invalid_body', `Payload validation error: '${detail}'.`);
const EMPTY = { from: null, messaging_service_sid: null, auth_token: null, sid: null };

describe.each(DIALECTS)('Management API: Twilio settings of the phone factor (%s)', (dialect) => {
  const clock = new ManualClock();
  const ctx = useTestContext(dialect, { clock });
  const api = managementApi(ctx);
  /** The tenant's `twilio` provider configuration (issue 9 moved the settings out of guardian_settings), its config parsed. */
  const storedRow = async () => {
    const row = await ctx().handle.db.selectFrom('provider_configs').selectAll().where('tenant_id', '=', ctx().tenant.id).where('provider', '=', 'twilio').executeTakeFirstOrThrow();
    const config = JSON.parse(row.config) as { auth_token?: string };
    return { ...row, twilio_auth_token_sealed: config.auth_token ?? null };
  };
  const get = async (path: string, options: { token?: string; host?: string } = {}) => {
    const response = await api.call('GET', path, options);
    expect(response.statusCode).toBe(200);
    return response.json();
  };

  it('has no settings at first, on both paths', async () => {
    expect(await get(PHONE)).toEqual(EMPTY);
    expect(await get(SMS)).toEqual(EMPTY);
  });

  it('stores the auth token sealed and answers it masked, on both paths', async () => {
    const token = 'f3b1c2d4e5a6978812ab34cd56ef7890';
    const response = await api.call('PUT', PHONE, {
      payload: { sid: 'AC0123456789abcdef0123456789abcdef', auth_token: token, from: '+14155550100', messaging_service_sid: 'MG0123456789abcdef0123456789abcdef' },
    });
    expect(response.statusCode).toBe(200);
    const expected = { sid: 'AC0123456789abcdef0123456789abcdef', auth_token: '****7890', from: '+14155550100', messaging_service_sid: 'MG0123456789abcdef0123456789abcdef' };
    expect(response.json()).toEqual(expected);
    expect(await get(PHONE)).toEqual(expected);
    expect(await get(SMS)).toEqual(expected);
    const row = await storedRow();
    expect(row.twilio_auth_token_sealed).toMatch(/^v1\./);
    expect(row.twilio_auth_token_sealed).not.toContain(token);
    expect(ctx().services.deps.secretBox.open(row.twilio_auth_token_sealed!)).toBe(token);
  });

  it('replaces all four fields: one left out becomes null; from may be empty; a short token is masked entirely', async () => {
    await api.call('PUT', PHONE, { payload: { sid: 'AC1', auth_token: 'abcdefghijkl', from: '+14155550100', messaging_service_sid: 'MG1' } });
    const partial = await api.call('PUT', SMS, { payload: { sid: 'AC2', from: '' } });
    expect(partial.statusCode).toBe(200);
    expect(partial.json()).toEqual({ sid: 'AC2', from: '', auth_token: null, messaging_service_sid: null });
    expect((await storedRow()).twilio_auth_token_sealed).toBeNull();
    const short = await api.call('PUT', PHONE, { payload: { sid: 'AC3', auth_token: 'tiny123', from: null, messaging_service_sid: null } });
    expect(short.json()).toEqual({ sid: 'AC3', auth_token: '****', from: null, messaging_service_sid: null });
    const cleared = await api.call('PUT', PHONE, { payload: {} });
    expect(cleared.json()).toEqual(EMPTY);
    expect(await get(SMS)).toEqual(EMPTY);
  });

  it('keeps the stored token when the masked value read from GET is sent back; refuses any other masked value', async () => {
    const token = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
    await api.call('PUT', PHONE, { payload: { sid: 'AC1', auth_token: token } });
    const read = await get(PHONE);
    expect(read.auth_token).toBe('****8f90');
    const roundTrip = await api.call('PUT', PHONE, { payload: { ...read, from: '+81312345678' } });
    expect(roundTrip.json()).toEqual({ ...read, from: '+81312345678' });
    expect(ctx().services.deps.secretBox.open((await storedRow()).twilio_auth_token_sealed!)).toBe(token);
    const before = await storeSnapshot(ctx);
    const other = await api.call('PUT', PHONE, { payload: { sid: 'AC1', auth_token: '****1234' } });
    expect(other.json()).toEqual(
      errorBody(400, 'Bad Request', 'invalid_body', 'auth_token: send the full Twilio auth token (a masked value is accepted only unchanged from GET, to keep the stored token)'),
    );
    expect(await storeSnapshot(ctx)).toEqual(before);
  });

  it('writes gd_tenant_update (without the token) and sapi under each path\'s operation name', async () => {
    await api.call('PUT', PHONE, { payload: { sid: 'AC-log-1', auth_token: 'log-token-0000000000000000000001' } });
    await api.call('PUT', SMS, { payload: { sid: 'AC-log-2' } });
    const withToken = await waitForLog(api, 'type:gd_tenant_update', (e) => (e.details as { sid?: string }).sid === 'AC-log-1');
    expect(withToken).toMatchObject({
      description: 'Guardian tenant update: phone/providers/twilio',
      details: { setting: 'phone/providers/twilio', sid: 'AC-log-1', from: null, messaging_service_sid: null, auth_token_set: true },
    });
    const without = await waitForLog(api, 'type:gd_tenant_update', (e) => (e.details as { sid?: string }).sid === 'AC-log-2');
    expect(without.details).toMatchObject({ auth_token_set: false });
    await waitForLog(api, 'type:sapi', (e) => e.description === 'Update Twilio phone configuration');
    await waitForLog(api, 'type:sapi', (e) => e.description === 'Update Twilio SMS configuration');
  });

  it('the plaintext token appears in no response, no tenant log entry and no server log line', async () => {
    const token = 'PLAINTEXT-twilio-token-7d41c9e0b2';
    const lines: string[] = [];
    const logger = pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) });
    const app = await buildApp({ services: ctx().services, logger });
    await app.ready();
    try {
      const bearer = await managementToken(ctx());
      const call = (method: 'GET' | 'PUT', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
        app.inject({
          method,
          url: `/api/v2${url}`,
          headers: { host: ctx().tenant.domain, authorization: `Bearer ${bearer}`, ...headers },
          ...(payload === undefined ? {} : { payload: payload as string | object }),
        });
      const responses = [
        await call('PUT', PHONE, { sid: 'AC1', auth_token: token }),
        await call('PUT', SMS, new URLSearchParams({ sid: 'AC1', auth_token: token }).toString(), form),
        // A refused write carrying the token.
        await call('PUT', PHONE, { sid: 'AC1', auth_token: token, colour: 'blue' }),
        await call('GET', PHONE),
        await call('GET', SMS),
      ];
      expect(responses.map((r) => r.statusCode)).toEqual([200, 200, 400, 200, 200]);
      for (const response of responses) expect(response.body).not.toContain(token);
      await waitForLog(api, 'type:fapi', (e) => e.description === 'Update Twilio phone configuration');
      const logs = await call('GET', '/logs?per_page=100');
      expect(logs.statusCode).toBe(200);
      expect(logs.body).toContain('phone/providers/twilio');
      expect(logs.body).not.toContain(token);
      expect(lines.length).toBeGreaterThan(5);
      expect(lines.join('\n')).not.toContain(token);
    } finally {
      await app.close();
    }
  });

  it("refuses Auth0's length limits and wrong types, changing nothing", async () => {
    const before = await storeSnapshot(ctx);
    const cases: Array<[Record<string, unknown>, unknown]> = [
      [{ from: '1'.repeat(65) }, schemaError('from: must NOT have more than 64 characters')],
      [{ sid: '' }, schemaError('sid: must NOT have fewer than 1 characters')],
      [{ auth_token: '' }, schemaError('auth_token: must NOT have fewer than 1 characters')],
      [{ messaging_service_sid: 'M'.repeat(1001) }, schemaError('messaging_service_sid: must NOT have more than 1000 characters')],
      [{ sid: 42 }, schemaError('Expected type string on property sid')],
      [{ account_sid: 'AC1' }, schemaError('Additional properties not allowed: account_sid')],
    ];
    for (const [payload, expected] of cases) {
      const response = await api.call('PUT', PHONE, { payload });
      expect(response.json(), JSON.stringify(payload).slice(0, 80)).toEqual(expected);
    }
    expect(await storeSnapshot(ctx)).toEqual(before);
  });

  it('accepts a form-encoded body', async () => {
    const response = await api.call('PUT', SMS, { payload: 'sid=ACform&auth_token=form-token-123456&from=%2B14155550100', headers: form });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ sid: 'ACform', auth_token: '****3456', from: '+14155550100', messaging_service_sid: null });
  });

  it("a tenant never sees another tenant's Twilio settings", async () => {
    const acme = await acmeToken(ctx);
    const asAcme = { token: acme.token, host: acme.tenant.domain };
    expect(await get(PHONE, asAcme)).toEqual(EMPTY);
    await api.call('PUT', PHONE, { ...asAcme, payload: { sid: 'ACacme', auth_token: 'acme-token-000000000000' } });
    expect(await get(SMS, asAcme)).toMatchObject({ sid: 'ACacme' });
    expect((await get(PHONE)).sid).not.toBe('ACacme');
  });

  for (const path of [PHONE, SMS]) {
    describe(path, () => {
      itRejectsBadRequests(ctx, api, clock, { method: 'GET', path: () => path, scopes: ['read:guardian_factors'] });
      itRejectsBadRequests(ctx, api, clock, {
        method: 'PUT',
        path: () => path,
        scopes: ['update:guardian_factors'],
        body: { valid: () => ({ sid: 'AC1', auth_token: 'bad-request-token-1' }), unknownField: { region: 'us1' }, wrongType: { from: 4155550100 } },
      });
    });
  }
});
