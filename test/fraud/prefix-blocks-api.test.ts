import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { acmeToken, errorBody, itRejectsBadRequests, managementApi } from '../management/support.js';
import { associate, enablePhoneFactor, expectError, inbox, mfaActors, passwordForMfaToken } from '../mfa/support.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { itNeedsScope, READ, UPDATE } from './api-support.js';

const LIST = '/attack-protection/phone-prefix-blocks';
const at = (prefix: string) => `${LIST}/${encodeURIComponent(prefix)}`;
const HOUR = 3_600_000;

describe.each(DIALECTS)('Management API: phone prefix blocks (%s)', (dialect) => {
  // The product's clock is a test's clock, far from the machine's: the route must judge "future" by it.
  const clock = new ManualClock('2031-06-15T12:00:00.000Z');
  const ctx = useTestContext(dialect, { clock });
  const api = managementApi(ctx);
  const iso = (offsetMs: number) => new Date(clock.now().getTime() + offsetMs).toISOString();
  const list = async () => {
    const response = await api.call('GET', LIST);
    expect(response.statusCode).toBe(200);
    return response.json() as Array<Record<string, unknown>>;
  };
  const row = async (prefix: string) => (await list()).find((b) => b.prefix === prefix);

  it('GET lists nothing before any block', async () => {
    expect(await list()).toEqual([]);
  });

  it('PUT {state: "pinned"} on an encoded "+" pins the prefix with no end', async () => {
    const now = clock.now().toISOString();
    const response = await api.call('PUT', `${LIST}/%2B88213`, { payload: { state: 'pinned' } });
    expect(response.statusCode).toBe(200);
    const expected = { prefix: '+88213', state: 'pinned', reason: 'manual', details: {}, created_at: now, updated_at: now, until: null };
    expect(response.json()).toEqual(expected);
    expect(await list()).toEqual([expected]);
  });

  it('a literal "+" in the path names the same prefix as %2B', async () => {
    const response = await api.call('PUT', `${LIST}/+88213`, { payload: { state: 'pinned' } });
    expect(response.statusCode).toBe(200);
    expect(response.json().prefix).toBe('+88213');
    expect((await list()).map((b) => b.prefix)).toEqual(['+88213']);
    const other = await api.call('PUT', `${LIST}/+4470`, { payload: { state: 'pinned' } });
    expect(other.statusCode).toBe(200);
    expect((await list()).map((b) => b.prefix)).toEqual(['+4470', '+88213']);
    expect((await api.call('DELETE', `${LIST}/+4470`)).statusCode).toBe(204);
  });

  it.each([
    ['without until', { state: 'blocked' }],
    ['with an until in the past', { state: 'blocked', until: new Date('2031-06-15T11:00:00.000Z').toISOString() }],
    ['with an until of exactly now', { state: 'blocked', until: '2031-06-15T12:00:00.000Z' }],
  ])('PUT {state: "blocked"} %s → 400, nothing written', async (_, payload) => {
    const before = await list();
    const response = await api.call('PUT', at('+37060'), { payload });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual(errorBody(400, 'Bad Request', 'invalid_body', 'until: a block with state "blocked" needs an end in the future (use "pinned" for no end)'));
    expect(await list()).toEqual(before);
  });

  it('PUT {state: "blocked"} with a future until (by the server clock) is listed with it', async () => {
    const until = iso(2 * HOUR);
    const response = await api.call('PUT', at('+37060'), { payload: { state: 'blocked', until } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ prefix: '+37060', state: 'blocked', reason: 'manual', until });
    expect(await row('+37060')).toMatchObject({ state: 'blocked', until });
    expect(await ctx().services.prefixBlocks.active(ctx().tenant)).toContain('+37060');
  });

  it('PUT turns a pinned block into a timed one and back, keeping created_at', async () => {
    const created = (await row('+88213'))!.created_at;
    clock.advance(60_000);
    const until = iso(HOUR);
    const timed = await api.call('PUT', at('+88213'), { payload: { state: 'blocked', until } });
    expect(timed.json()).toMatchObject({ state: 'blocked', until, created_at: created, updated_at: clock.now().toISOString() });
    const pinned = await api.call('PUT', at('+88213'), { payload: { state: 'pinned', until } });
    expect(pinned.json()).toMatchObject({ state: 'pinned', until: null, created_at: created });
  });

  it('DELETE lifts: 204, the row stays as "lifted" until one block period from now, and the prefix is sent to again', async () => {
    const response = await api.call('DELETE', at('+37060'));
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    // the pumping detector's block period (60 minutes by default) is the quiet period
    expect(await row('+37060')).toMatchObject({ prefix: '+37060', state: 'lifted', updated_at: clock.now().toISOString(), until: iso(60 * 60_000) });
    expect(await ctx().services.prefixBlocks.active(ctx().tenant)).not.toContain('+37060');
  });

  it('DELETE of a lifted prefix, or of one never blocked → 404 inexistent_prefix_block', async () => {
    for (const prefix of ['+37060', '+999']) {
      const response = await api.call('DELETE', at(prefix));
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual(errorBody(404, 'Not Found', 'inexistent_prefix_block', 'No block exists for this prefix.'));
    }
  });

  it('a lifted prefix can be pinned again', async () => {
    const response = await api.call('PUT', at('+37060'), { payload: { state: 'pinned' } });
    expect(response.json()).toMatchObject({ state: 'pinned', reason: 'manual', until: null });
    expect((await api.call('DELETE', at('+37060'))).statusCode).toBe(204);
  });

  it.each([['88213'], ['+088213'], ['+882131234'], ['+88a'], ['+']])('a bad prefix %j → 400 on PUT and DELETE', async (prefix) => {
    const before = await list();
    for (const [method, payload] of [['PUT', { state: 'pinned' }], ['DELETE', undefined]] as const) {
      const response = await api.call(method, at(prefix), payload ? { payload } : {});
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ statusCode: 400, error: 'Bad Request', errorCode: 'invalid_uri' });
      expect(response.json().message).toContain('prefix');
    }
    expect(await list()).toEqual(before);
  });

  it.each([
    [{ state: 'lifted' }, 'Payload validation error: \'state: must be one of "blocked", "pinned"\'.'],
    [{ state: 'blocked', until: 'tomorrow' }, 'Payload validation error: \'until: must match format "date-time"\'.'],
    [{ state: 'pinned', reason: 'x' }, "Payload validation error: 'Additional properties not allowed: reason'."],
  ])('PUT %j → 400', async (payload, message) => {
    const response = await api.call('PUT', at('+37061'), { payload });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual(errorBody(400, 'Bad Request', 'invalid_body', message));
    expect(await row('+37061')).toBeUndefined();
  });

  it("another tenant sees none of this tenant's blocks and cannot lift them", async () => {
    const acme = await acmeToken(ctx);
    const as = { token: acme.token, host: acme.tenant.domain };
    expect((await api.call('GET', LIST, as)).json()).toEqual([]);
    expect((await api.call('DELETE', at('+88213'), as)).statusCode).toBe(404);
    expect(await row('+88213')).toMatchObject({ state: 'pinned' });
  });

  itNeedsScope(ctx, api, { method: 'GET', path: () => LIST, scope: READ, okStatus: 200 });
  itNeedsScope(ctx, api, { method: 'PUT', path: () => at('+37062'), scope: UPDATE, payload: () => ({ state: 'pinned' }), okStatus: 200 });
  itNeedsScope(ctx, api, {
    method: 'DELETE',
    path: async () => {
      await api.call('PUT', at('+37063'), { payload: { state: 'pinned' } });
      return at('+37063');
    },
    scope: UPDATE,
    okStatus: 204,
  });
  itRejectsBadRequests(ctx, api, clock, { method: 'GET', path: () => LIST, scopes: [READ] });
  itRejectsBadRequests(ctx, api, clock, {
    method: 'PUT',
    path: () => at('+37064'),
    scopes: [UPDATE],
    body: { valid: () => ({ state: 'pinned' }), unknownField: { reason: 'x' }, wrongType: { state: 5 } },
  });
});

describe.each(DIALECTS)('phone prefix blocks set through the API stop sends at once (%s)', (dialect) => {
  const ctx = useTestContext(dialect);
  const api = managementApi(ctx);
  const send = async (phone: string) => {
    const actors = await mfaActors(ctx());
    const mfaToken = await passwordForMfaToken(ctx(), actors);
    return associate(ctx(), mfaToken, { authenticator_types: ['oob'], oob_channels: ['sms'], phone_number: phone });
  };

  it('a pinned prefix refuses the code and sends nothing; after DELETE the number gets its code', async () => {
    await enablePhoneFactor(ctx());
    expect((await api.call('PUT', at('+4474'), { payload: { state: 'pinned' } })).statusCode).toBe(200);
    const refused = await send('+447400123456');
    expectError(refused, 400, 'invalid_request', "SMS messages to this phone number are not allowed by the tenant's fraud rules. Use another number or another authenticator.");
    expect(await inbox(ctx(), '+447400123456')).toEqual([]);
    // another prefix is not concerned
    expect((await send('+14155552671')).statusCode).toBe(200);

    expect((await api.call('DELETE', at('+4474'))).statusCode).toBe(204);
    expect((await send('+447400123456')).statusCode).toBe(200);
    expect(await inbox(ctx(), '+447400123456')).toHaveLength(1);
  });
});
