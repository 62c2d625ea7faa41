import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { acmeToken, errorBody, itRejectsBadRequests, managementApi, storeSnapshot, waitForLog } from '../management/support.js';
import { DIALECTS, useTestContext } from '../support/harness.js';

const DEFAULTS = { enabled: true, shields: ['block', 'user_notification'], mode: 'count_per_identifier_and_ip', allowlist: [], max_attempts: 10 };
const PATH = '/attack-protection/brute-force-protection';

describe.each(DIALECTS)('Management API: brute-force protection settings (%s)', (dialect) => {
  const clock = new ManualClock();
  const ctx = useTestContext(dialect, { clock });
  const api = managementApi(ctx);

  describe('GET /attack-protection/brute-force-protection', () => {
    it("answers Auth0's defaults before anything was set, without writing them", async () => {
      const response = await api.call('GET', PATH);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual(DEFAULTS);
      expect(await ctx().handle.db.selectFrom('attack_protection').selectAll().execute()).toEqual([]);
    });

    itRejectsBadRequests(ctx, api, clock, { method: 'GET', path: () => PATH, scopes: ['read:attack_protection'] });
  });

  describe('PATCH /attack-protection/brute-force-protection', () => {
    it('changes the fields sent, keeps the others, returns the whole object and logs sapi', async () => {
      const first = await api.call('PATCH', PATH, { payload: { max_attempts: 5, allowlist: ['192.0.2.0/24', '2001:db8::/32', '198.51.100.7', '::1'] } });
      expect(first.statusCode).toBe(200);
      const expected = { ...DEFAULTS, max_attempts: 5, allowlist: ['192.0.2.0/24', '2001:db8::/32', '198.51.100.7', '::1'] };
      expect(first.json()).toEqual(expected);
      const second = await api.call('PATCH', PATH, { payload: { mode: 'count_per_identifier', shields: ['user_notification', 'block', 'block'] } });
      expect(second.json()).toEqual({ ...expected, mode: 'count_per_identifier', shields: ['block', 'user_notification'] });
      const off = await api.call('PATCH', PATH, { payload: { enabled: false, shields: [] } });
      expect(off.json()).toEqual({ ...expected, mode: 'count_per_identifier', enabled: false, shields: [] });
      expect((await api.call('GET', PATH)).json()).toEqual(off.json());
      // form-encoded, as Auth0 accepts it
      const form = await api.call('PATCH', PATH, { payload: 'enabled=true&max_attempts=7', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(form.statusCode).toBe(200);
      expect(form.json()).toMatchObject({ enabled: true, max_attempts: 7 });
      const entry = await waitForLog(api, 'type:sapi', (e) => e.description === 'Update brute-force protection settings');
      expect(entry.details).toEqual({ request: { method: 'PATCH', path: `/api/v2${PATH}` }, response: { statusCode: 200 } });
      await api.call('PATCH', PATH, { payload: DEFAULTS });
    });

    it.each([
      [{ allowlist: ['192.0.2.1', '10.0.0.300'] }, 'allowlist[1]: "10.0.0.300" is not an IPv4 or IPv6 address or CIDR range'],
      [{ allowlist: ['192.0.2.0/33'] }, 'allowlist[0]: "192.0.2.0/33" is not an IPv4 or IPv6 address or CIDR range'],
      [{ allowlist: ['2001:db8::/129'] }, 'allowlist[0]: "2001:db8::/129" is not an IPv4 or IPv6 address or CIDR range'],
      [{ allowlist: ['example.com'] }, 'allowlist[0]: "example.com" is not an IPv4 or IPv6 address or CIDR range'],
      [{ allowlist: ['fe80::1%eth0'] }, 'allowlist[0]: "fe80::1%eth0" is not an IPv4 or IPv6 address or CIDR range'],
      [{ allowlist: [' 192.0.2.1'] }, 'allowlist[0]: " 192.0.2.1" is not an IPv4 or IPv6 address or CIDR range'],
      [{ allowlist: ['192.0.2.0/24/8'] }, 'allowlist[0]: "192.0.2.0/24/8" is not an IPv4 or IPv6 address or CIDR range'],
      [{ allowlist: ['192.0.2.0/'] }, 'allowlist[0]: "192.0.2.0/" is not an IPv4 or IPv6 address or CIDR range'],
      [{ max_attempts: 0 }, "Payload validation error: 'max_attempts: must be >= 1'."],
      [{ max_attempts: 101 }, "Payload validation error: 'max_attempts: must be <= 100'."],
      [{ max_attempts: 2.5 }, "Payload validation error: 'Expected type integer on property max_attempts'."],
      [{ mode: 'count_per_ip' }, 'Payload validation error: \'mode: must be one of "count_per_identifier_and_ip", "count_per_identifier"\'.'],
      [{ shields: ['admin_notification'] }, 'Payload validation error: \'shields.0: must be one of "block", "user_notification"\'.'],
      [{ enabled: 'yes' }, "Payload validation error: 'Expected type boolean on property enabled'."],
      [{ allowlist: Array.from({ length: 101 }, (_, i) => `10.0.${i}.1`) }, "Payload validation error: 'allowlist: must NOT have more than 100 items'."],
    ])('refuses %j with a 400 naming what is wrong, changing nothing', async (payload, message) => {
      const before = await storeSnapshot(ctx);
      const response = await api.call('PATCH', PATH, { payload: { enabled: false, ...payload } });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual(errorBody(400, 'Bad Request', 'invalid_body', message));
      expect(await storeSnapshot(ctx)).toEqual(before);
    });

    it('changes only the calling tenant', async () => {
      const acme = await acmeToken(ctx);
      const response = await api.call('PATCH', PATH, { token: acme.token, host: acme.tenant.domain, payload: { max_attempts: 3 } });
      expect(response.json().max_attempts).toBe(3);
      expect((await api.call('GET', PATH)).json()).toEqual(DEFAULTS);
      expect((await api.call('GET', PATH, { token: acme.token, host: acme.tenant.domain })).json().max_attempts).toBe(3);
    });

    itRejectsBadRequests(ctx, api, clock, {
      method: 'PATCH',
      path: () => PATH,
      scopes: ['update:attack_protection'],
      body: { valid: () => ({ max_attempts: 8 }), unknownField: { threshold: 8 }, wrongType: { max_attempts: 'eight' } },
    });
  });
});
