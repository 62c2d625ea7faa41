import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { DIALECTS, tokenWithScopes, useTestContext } from '../support/harness.js';
import { acmeToken, errorBody, itRejectsBadRequests, managementApi, storeSnapshot, waitForLog } from './support.js';

const PATH = '/guardian/factors/phone/dev-inbox';
const ALICE = '+14155550101';
const BOB = '+819012345678';

interface Message {
  id: string;
  to: string;
  channel: string;
  purpose: string;
  locale: string;
  body: string;
  created_at: string;
}

describe.each(DIALECTS)('Management API: phone dev inbox (%s)', (dialect) => {
  const clock = new ManualClock('2026-03-01T09:00:00.000Z');
  const ctx = useTestContext(dialect, { clock });
  const api = managementApi(ctx);
  let serial = 0;

  /** What the built-in provider writes when it has no upstream (the MFA flow that fills it is tested elsewhere). */
  async function deliver(to: string, options: { tenantId?: string; purpose?: string; locale?: string } = {}): Promise<Message> {
    serial += 1;
    clock.advance(1000);
    const row = {
      id: `msg_test${String(serial).padStart(12, '0')}`,
      tenant_id: options.tenantId ?? ctx().tenant.id,
      recipient: to,
      channel: 'sms',
      purpose: options.purpose ?? 'verification',
      locale: options.locale ?? 'en',
      body: `${String(serial).padStart(6, '0')} is your verification code for Guardline`,
      created_at: clock.now().toISOString(),
    };
    await ctx().services.deps.store.devInbox.insert(row);
    return { id: row.id, to, channel: row.channel, purpose: row.purpose, locale: row.locale, body: row.body, created_at: row.created_at };
  }

  beforeEach(async () => {
    await ctx().services.deps.store.devInbox.clear(ctx().tenant.id);
  });

  describe('GET /guardian/factors/phone/dev-inbox', () => {
    it('lists messages newest first with their bodies (codes included); {messages: []} when empty', async () => {
      expect((await api.call('GET', PATH)).json()).toEqual({ messages: [], start: 0, limit: 50 });
      const first = await deliver(ALICE, { purpose: 'enrollment' });
      const second = await deliver(BOB, { locale: 'ja' });
      const response = await api.call('GET', PATH);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ messages: [second, first], start: 0, limit: 50 });
      expect(first).toMatchObject({ to: ALICE, channel: 'sms', purpose: 'enrollment', locale: 'en' });
    });

    it('pages with page/per_page and counts with include_totals', async () => {
      const sent = [];
      for (let i = 0; i < 5; i++) sent.push(await deliver(i % 2 === 0 ? ALICE : BOB));
      const newestFirst = [...sent].reverse();
      expect((await api.call('GET', `${PATH}?per_page=2`)).json()).toEqual({ messages: newestFirst.slice(0, 2), start: 0, limit: 2 });
      expect((await api.call('GET', `${PATH}?per_page=2&page=2&include_totals=true`)).json()).toEqual({
        messages: newestFirst.slice(4),
        start: 4,
        limit: 2,
        total: 5,
      });
      expect((await api.call('GET', `${PATH}?page=3&per_page=2&include_totals=true`)).json()).toEqual({ messages: [], start: 6, limit: 2, total: 5 });
    });

    it('filters by the exact E.164 number, paging and counting within the filter', async () => {
      const a1 = await deliver(ALICE);
      await deliver(BOB);
      const a2 = await deliver(ALICE);
      await deliver('+14155550102');
      const response = await api.call('GET', `${PATH}?phone_number=${encodeURIComponent(ALICE)}&include_totals=true`);
      expect(response.json()).toEqual({ messages: [a2, a1], start: 0, limit: 50, total: 2 });
      expect((await api.call('GET', `${PATH}?phone_number=${encodeURIComponent(ALICE)}&per_page=1&page=1`)).json()).toEqual({ messages: [a1], start: 1, limit: 1 });
      // Exact: no prefix matching.
      expect((await api.call('GET', `${PATH}?phone_number=${encodeURIComponent('+1415555010')}&include_totals=true`)).json()).toMatchObject({ messages: [], total: 0 });
    });

    it('refuses a phone_number that is not E.164 and bad paging with 400 invalid_query_string', async () => {
      for (const query of ['phone_number=14155550101', `phone_number=${encodeURIComponent('+1 415 555 0101')}`, 'phone_number=', 'per_page=101', 'page=-1', 'include_totals=maybe', 'to=x']) {
        const response = await api.call('GET', `${PATH}?${query}`);
        expect(response.statusCode, query).toBe(400);
        expect(response.json().errorCode, query).toBe('invalid_query_string');
      }
    });

    it("keeps tenants apart: acme sees only its own messages", async () => {
      const acme = await acmeToken(ctx);
      const asAcme = { token: acme.token, host: acme.tenant.domain };
      await ctx().services.deps.store.devInbox.clear(acme.tenant.id);
      const mine = await deliver(ALICE);
      const theirs = await deliver(ALICE, { tenantId: acme.tenant.id });
      expect((await api.call('GET', PATH)).json().messages).toEqual([mine]);
      expect((await api.call('GET', `${PATH}?include_totals=true`, asAcme)).json()).toEqual({ messages: [theirs], start: 0, limit: 50, total: 1 });
    });

    it('needs read:dev_inbox: every other guardian scope is refused', async () => {
      await deliver(ALICE);
      const token = await tokenWithScopes(ctx(), ['read:guardian_factors', 'read:guardian_enrollments', 'read:users', 'read:logs', 'delete:dev_inbox']);
      const response = await api.call('GET', PATH, { token });
      expect(response.json()).toEqual(errorBody(403, 'Forbidden', 'insufficient_scope', 'Insufficient scope, expected any of: read:dev_inbox'));
      const allowed = await tokenWithScopes(ctx(), ['read:dev_inbox']);
      expect((await api.call('GET', PATH, { token: allowed })).json().messages).toHaveLength(1);
    });

    itRejectsBadRequests(ctx, api, clock, { method: 'GET', path: () => PATH, scopes: ['read:dev_inbox'] });
  });

  describe('DELETE /guardian/factors/phone/dev-inbox', () => {
    it("empties the tenant's inbox (204) and no other tenant's, logging sapi", async () => {
      const acme = await acmeToken(ctx);
      await deliver(ALICE);
      await deliver(BOB);
      const theirs = await deliver(ALICE, { tenantId: acme.tenant.id });
      const response = await api.call('DELETE', PATH);
      expect(response.statusCode).toBe(204);
      expect(response.body).toBe('');
      expect((await api.call('GET', `${PATH}?include_totals=true`)).json()).toEqual({ messages: [], start: 0, limit: 50, total: 0 });
      const acmeInbox = await api.call('GET', PATH, { token: acme.token, host: acme.tenant.domain });
      expect(acmeInbox.json().messages).toContainEqual(theirs);
      await waitForLog(api, 'type:sapi', (e) => e.description === 'Clear the phone dev inbox');
      // Already empty: still 204.
      expect((await api.call('DELETE', PATH)).statusCode).toBe(204);
    });

    it('needs delete:dev_inbox: read:dev_inbox is not enough, and nothing is deleted', async () => {
      await deliver(ALICE);
      const token = await tokenWithScopes(ctx(), ['read:dev_inbox', 'update:guardian_factors', 'delete:guardian_enrollments']);
      const before = await storeSnapshot(ctx);
      expect((await api.call('DELETE', PATH, { token })).json()).toEqual(
        errorBody(403, 'Forbidden', 'insufficient_scope', 'Insufficient scope, expected any of: delete:dev_inbox'),
      );
      expect(await storeSnapshot(ctx)).toEqual(before);
    });

    itRejectsBadRequests(ctx, api, clock, {
      method: 'DELETE',
      path: async () => {
        await deliver(BOB);
        return PATH;
      },
      scopes: ['delete:dev_inbox'],
    });
  });
});
