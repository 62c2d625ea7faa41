import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { acmeToken, errorBody, itRejectsBadRequests, managementApi } from '../management/support.js';
import { associate, enablePhoneFactor, expectError, JP_MOBILE, mfaActors, passwordForMfaToken, US_MOBILE } from '../mfa/support.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { itNeedsScope, READ, UPDATE } from './api-support.js';

const SUSPICIOUS_IP = '/attack-protection/suspicious-ip-throttling';
const PROVIDER = '/attack-protection/phone-provider-protection';
const FRAUD = '/attack-protection/phone-fraud';

/** Auth0's documented defaults of suspicious IP throttling. */
const SUSPICIOUS_DEFAULTS = {
  enabled: true,
  shields: ['block', 'admin_notification'],
  allowlist: [],
  stage: { 'pre-login': { max_attempts: 100, rate: 864_000 }, 'pre-user-registration': { max_attempts: 50, rate: 1_728_000 } },
};

/** Guardline's phone fraud defaults, written out (docs/security.md), not imported: a changed default must fail here. */
const FRAUD_DEFAULTS = {
  country_rules: { sms: { mode: 'off', countries: [] }, voice: { mode: 'off', countries: [] }, blocked_prefixes: [], block_high_risk_prefixes: true },
  velocity: {
    per_number: { enabled: true, max_attempts: 10, rate: 360_000 },
    per_ip: { enabled: true, max_attempts: 100, rate: 36_000 },
    per_country: { enabled: false, max_attempts: 1_000, rate: 3_600 },
    per_prefix: { enabled: false, max_attempts: 200, rate: 18_000 },
    per_tenant: { enabled: false, max_attempts: 10_000, rate: 360 },
  },
  budgets: { enabled: false, tenant: { daily: { messages: null, cost: null }, monthly: { messages: null, cost: null } }, countries: {} },
  pumping_detection: { enabled: true, prefix_digits: 5, window_minutes: 10, baseline_hours: 24, spike_factor: 5, min_messages: 20, min_completion_rate: 0.2, block_minutes: 60 },
};

const invalid = (message: string) => errorBody(400, 'Bad Request', 'invalid_body', message);

describe.each(DIALECTS)('Management API: suspicious IP, provider protection and phone fraud settings (%s)', (dialect) => {
  const clock = new ManualClock();
  // `phoneFraud: {}`: the product's defaults, not the harness's (which turns the per-number rule off).
  const ctx = useTestContext(dialect, { clock, phoneFraud: {} });
  const api = managementApi(ctx);

  describe('suspicious IP throttling', () => {
    it("GET answers Auth0's defaults", async () => {
      const response = await api.call('GET', SUSPICIOUS_IP);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual(SUSPICIOUS_DEFAULTS);
    });

    it('PATCH changes the fields sent and keeps the others, down to one field of one stage', async () => {
      const first = await api.call('PATCH', SUSPICIOUS_IP, { payload: { allowlist: ['192.0.2.0/24', '2001:db8::1'], stage: { 'pre-login': { max_attempts: 5 } } } });
      expect(first.statusCode).toBe(200);
      const expected = {
        ...SUSPICIOUS_DEFAULTS,
        allowlist: ['192.0.2.0/24', '2001:db8::1'],
        stage: { 'pre-login': { max_attempts: 5, rate: 864_000 }, 'pre-user-registration': { max_attempts: 50, rate: 1_728_000 } },
      };
      expect(first.json()).toEqual(expected);
      const second = await api.call('PATCH', SUSPICIOUS_IP, { payload: { shields: ['admin_notification'], stage: { 'pre-user-registration': { rate: 60_000 } } } });
      expect(second.statusCode).toBe(200);
      const after = { ...expected, shields: ['admin_notification'], stage: { ...expected.stage, 'pre-user-registration': { max_attempts: 50, rate: 60_000 } } };
      expect(second.json()).toEqual(after);
      expect((await api.call('GET', SUSPICIOUS_IP)).json()).toEqual(after);
      const off = await api.call('PATCH', SUSPICIOUS_IP, { payload: { enabled: false } });
      expect(off.json()).toEqual({ ...after, enabled: false });
      // back to the defaults for the tests after
      expect((await api.call('PATCH', SUSPICIOUS_IP, { payload: SUSPICIOUS_DEFAULTS })).json()).toEqual(SUSPICIOUS_DEFAULTS);
    });

    it.each([
      [{ allowlist: ['192.0.2.1', '10.0.0.300'] }, 'allowlist[1]: "10.0.0.300" is not an IPv4 or IPv6 address or CIDR range'],
      [{ allowlist: ['example.com'] }, 'allowlist[0]: "example.com" is not an IPv4 or IPv6 address or CIDR range'],
      [{ allowlist: ['192.0.2.0/33'] }, 'allowlist[0]: "192.0.2.0/33" is not an IPv4 or IPv6 address or CIDR range'],
      [{ surprise: true }, "Payload validation error: 'Additional properties not allowed: surprise'."],
      [{ stage: { 'pre-signup': { max_attempts: 3 } } }, "Payload validation error: 'Additional properties not allowed: pre-signup'."],
      [{ shields: ['user_notification'] }, 'Payload validation error: \'shields.0: must be one of "block", "admin_notification"\'.'],
      [{ stage: { 'pre-login': { max_attempts: 0 } } }, "Payload validation error: 'stage.pre-login.max_attempts: must be >= 1'."],
    ])('PATCH %j → 400 naming what is wrong; nothing is written', async (payload, message) => {
      const before = (await api.call('GET', SUSPICIOUS_IP)).json();
      const response = await api.call('PATCH', SUSPICIOUS_IP, { payload: { enabled: false, ...payload } });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual(invalid(message));
      expect((await api.call('GET', SUSPICIOUS_IP)).json()).toEqual(before);
    });

    it("another tenant's token sees and changes its own settings only", async () => {
      const acme = await acmeToken(ctx);
      const changed = await api.call('PATCH', SUSPICIOUS_IP, { token: acme.token, host: acme.tenant.domain, payload: { stage: { 'pre-login': { max_attempts: 3 } } } });
      expect(changed.statusCode).toBe(200);
      expect((await api.call('GET', SUSPICIOUS_IP)).json()).toEqual(SUSPICIOUS_DEFAULTS);
      expect((await api.call('GET', SUSPICIOUS_IP, { token: acme.token, host: acme.tenant.domain })).json().stage['pre-login'].max_attempts).toBe(3);
      // and acme's token on this tenant's host is not a way in
      expect((await api.call('GET', SUSPICIOUS_IP, { token: acme.token })).statusCode).toBe(401);
    });

    itNeedsScope(ctx, api, { method: 'GET', path: () => SUSPICIOUS_IP, scope: READ, okStatus: 200 });
    itNeedsScope(ctx, api, { method: 'PATCH', path: () => SUSPICIOUS_IP, scope: UPDATE, payload: () => ({ enabled: true }), okStatus: 200 });
    itRejectsBadRequests(ctx, api, clock, { method: 'GET', path: () => SUSPICIOUS_IP, scopes: [READ] });
    itRejectsBadRequests(ctx, api, clock, {
      method: 'PATCH',
      path: () => SUSPICIOUS_IP,
      scopes: [UPDATE],
      body: { valid: () => ({ enabled: true }), unknownField: { threshold: 8 }, wrongType: { enabled: 'yes' } },
    });
  });

  describe('phone provider protection', () => {
    it('GET answers {type: "none"} by default; PATCH sets exponential and back', async () => {
      expect((await api.call('GET', PROVIDER)).json()).toEqual({ type: 'none' });
      const set = await api.call('PATCH', PROVIDER, { payload: { type: 'exponential' } });
      expect(set.statusCode).toBe(200);
      expect(set.json()).toEqual({ type: 'exponential' });
      expect((await api.call('GET', PROVIDER)).json()).toEqual({ type: 'exponential' });
      // Terraform's spelling of "none" (docs/compatibility.md)
      expect((await api.call('PATCH', PROVIDER, { payload: { type: 'default' } })).json()).toEqual({ type: 'none' });
      expect((await api.call('GET', PROVIDER)).json()).toEqual({ type: 'none' });
      await api.call('PATCH', PROVIDER, { payload: { type: 'exponential' } });
      expect((await api.call('PATCH', PROVIDER, { payload: { type: 'none' } })).json()).toEqual({ type: 'none' });
      expect((await api.call('GET', PROVIDER)).json()).toEqual({ type: 'none' });
    });

    it.each([
      [{ type: 'linear' }, 'Payload validation error: \'type: must be one of "exponential", "none", "default"\'.'],
      [{ type: 'exponential', extra: 1 }, "Payload validation error: 'Additional properties not allowed: extra'."],
    ])('PATCH %j → 400; nothing is written', async (payload, message) => {
      await api.call('PATCH', PROVIDER, { payload: { type: 'exponential' } });
      const response = await api.call('PATCH', PROVIDER, { payload });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual(invalid(message));
      expect((await api.call('GET', PROVIDER)).json()).toEqual({ type: 'exponential' });
      await api.call('PATCH', PROVIDER, { payload: { type: 'none' } });
    });

    it('PATCH without a type → 400', async () => {
      const response = await api.call('PATCH', PROVIDER, { payload: {} });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ statusCode: 400, error: 'Bad Request', errorCode: 'invalid_body' });
      expect(response.json().message).toContain('type');
    });

    it("another tenant's settings are its own", async () => {
      const acme = await acmeToken(ctx);
      expect((await api.call('PATCH', PROVIDER, { token: acme.token, host: acme.tenant.domain, payload: { type: 'exponential' } })).statusCode).toBe(200);
      expect((await api.call('GET', PROVIDER)).json()).toEqual({ type: 'none' });
      expect((await api.call('GET', PROVIDER, { token: acme.token, host: acme.tenant.domain })).json()).toEqual({ type: 'exponential' });
    });

    itNeedsScope(ctx, api, { method: 'GET', path: () => PROVIDER, scope: READ, okStatus: 200 });
    itNeedsScope(ctx, api, { method: 'PATCH', path: () => PROVIDER, scope: UPDATE, payload: () => ({ type: 'none' }), okStatus: 200 });
    itRejectsBadRequests(ctx, api, clock, { method: 'GET', path: () => PROVIDER, scopes: [READ] });
    itRejectsBadRequests(ctx, api, clock, {
      method: 'PATCH',
      path: () => PROVIDER,
      scopes: [UPDATE],
      body: { valid: () => ({ type: 'none' }), unknownField: { mode: 'x' }, wrongType: { type: 7 } },
    });
  });

  describe('phone fraud rules', () => {
    it('GET answers the defaults', async () => {
      const response = await api.call('GET', FRAUD);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual(FRAUD_DEFAULTS);
    });

    it('PATCH merges: nested fields left out keep their values; countries are upper-cased, sorted and deduplicated', async () => {
      const first = await api.call('PATCH', FRAUD, {
        payload: {
          country_rules: { sms: { mode: 'deny', countries: ['gb', 'De', 'FR', 'fr'] }, blocked_prefixes: ['+4470', '+882'] },
          velocity: { per_ip: { max_attempts: 20 } },
          budgets: { enabled: true, tenant: { daily: { messages: 1000 } }, countries: { fr: { monthly: { cost: 50 } } } },
          pumping_detection: { spike_factor: 2.5 },
        },
      });
      expect(first.statusCode).toBe(200);
      const expected = {
        ...FRAUD_DEFAULTS,
        country_rules: { ...FRAUD_DEFAULTS.country_rules, sms: { mode: 'deny', countries: ['DE', 'FR', 'GB'] }, blocked_prefixes: ['+4470', '+882'] },
        velocity: { ...FRAUD_DEFAULTS.velocity, per_ip: { enabled: true, max_attempts: 20, rate: 36_000 } },
        budgets: {
          enabled: true,
          tenant: { daily: { messages: 1000, cost: null }, monthly: { messages: null, cost: null } },
          countries: { FR: { daily: { messages: null, cost: null }, monthly: { messages: null, cost: 50 } } },
        },
        pumping_detection: { ...FRAUD_DEFAULTS.pumping_detection, spike_factor: 2.5 },
      };
      expect(first.json()).toEqual(expected);
      expect((await api.call('GET', FRAUD)).json()).toEqual(expected);

      const second = await api.call('PATCH', FRAUD, { payload: { country_rules: { sms: { mode: 'allow' } }, velocity: { per_ip: { rate: 1000 } } } });
      expect(second.statusCode).toBe(200);
      const after = {
        ...expected,
        country_rules: { ...expected.country_rules, sms: { mode: 'allow', countries: ['DE', 'FR', 'GB'] } },
        velocity: { ...expected.velocity, per_ip: { enabled: true, max_attempts: 20, rate: 1000 } },
      };
      expect(second.json()).toEqual(after);
      expect((await api.call('GET', FRAUD)).json()).toEqual(after);

      // back to the defaults for the tests after
      const reset = await api.call('PATCH', FRAUD, { payload: FRAUD_DEFAULTS });
      expect(reset.json()).toEqual(FRAUD_DEFAULTS);
    });

    it.each([
      [{ country_rules: { sms: { countries: ['FR', 'XX'] } } }, 'country_rules.sms.countries: "XX" is not an ISO 3166-1 alpha-2 country with a calling code'],
      [{ country_rules: { voice: { countries: ['xx'] } } }, 'country_rules.voice.countries: "XX" is not an ISO 3166-1 alpha-2 country with a calling code'],
      [{ budgets: { countries: { XX: { daily: { messages: 1 } } } } }, 'budgets.countries: "XX" is not an ISO 3166-1 alpha-2 country with a calling code'],
      [{ country_rules: { blocked_prefixes: ['+882', '882'] } }, 'country_rules.blocked_prefixes: "882" is not an E.164 prefix (a "+" and 1 to 8 digits, e.g. "+882")'],
      [{ country_rules: { blocked_prefixes: ['+0882'] } }, 'country_rules.blocked_prefixes: "+0882" is not an E.164 prefix (a "+" and 1 to 8 digits, e.g. "+882")'],
      [{ country_rules: { blocked_prefixes: ['+88a'] } }, 'country_rules.blocked_prefixes: "+88a" is not an E.164 prefix (a "+" and 1 to 8 digits, e.g. "+882")'],
      [{ budgets: { tenant: { daily: { messages: 101 }, monthly: { messages: 100 } } } }, 'budgets.tenant.daily.messages cannot be above budgets.tenant.monthly.messages'],
      [{ budgets: { tenant: { daily: { cost: 5.5 }, monthly: { cost: 5 } } } }, 'budgets.tenant.daily.cost cannot be above budgets.tenant.monthly.cost'],
      [{ budgets: { countries: { fr: { daily: { messages: 20 }, monthly: { messages: 10 } } } } }, 'budgets.countries.FR.daily.messages cannot be above budgets.countries.FR.monthly.messages'],
      [{ budgets: { tenant: { daily: { messages: 2.5 } } } }, 'budgets.tenant.daily.messages must be a whole number'],
      [{ pumping_detection: { window_minutes: 721 } }, 'pumping_detection.baseline_hours must cover at least two windows'],
      [{ pumping_detection: { window_minutes: 60, baseline_hours: 1 } }, 'pumping_detection.baseline_hours must cover at least two windows'],
      [{ velocity: { per_tenant: { rate: 0 } } }, "Payload validation error: 'velocity.per_tenant.rate: must be >= 1'."],
      [{ velocity: { per_planet: { enabled: true } } }, "Payload validation error: 'Additional properties not allowed: per_planet'."],
      [{ country_rules: { sms: { mode: 'block' } } }, 'Payload validation error: \'country_rules.sms.mode: must be one of "off", "allow", "deny"\'.'],
    ])('PATCH %j → 400 naming what is wrong; GET after shows the old value', async (payload, message) => {
      // a known, non-default state first, so "nothing written" is about this PATCH
      const known = await api.call('PATCH', FRAUD, { payload: { budgets: { tenant: { daily: { messages: 10 }, monthly: { messages: 100 } } }, country_rules: { sms: { mode: 'deny', countries: ['GB'] } } } });
      expect(known.statusCode).toBe(200);
      const before = known.json();
      const response = await api.call('PATCH', FRAUD, { payload });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual(invalid(message));
      expect((await api.call('GET', FRAUD)).json()).toEqual(before);
      await api.call('PATCH', FRAUD, { payload: FRAUD_DEFAULTS });
    });

    it('a 400 on one part of a PATCH writes none of the other parts', async () => {
      const response = await api.call('PATCH', FRAUD, { payload: { velocity: { per_ip: { max_attempts: 3 } }, pumping_detection: { window_minutes: 1440, baseline_hours: 24 } } });
      expect(response.statusCode).toBe(400);
      expect((await api.call('GET', FRAUD)).json()).toEqual(FRAUD_DEFAULTS);
    });

    it("another tenant's rules are its own", async () => {
      const acme = await acmeToken(ctx);
      const changed = await api.call('PATCH', FRAUD, { token: acme.token, host: acme.tenant.domain, payload: { country_rules: { blocked_prefixes: ['+44'] } } });
      expect(changed.statusCode).toBe(200);
      expect((await api.call('GET', FRAUD)).json()).toEqual(FRAUD_DEFAULTS);
      expect((await api.call('GET', FRAUD, { token: acme.token, host: acme.tenant.domain })).json().country_rules.blocked_prefixes).toEqual(['+44']);
    });

    itNeedsScope(ctx, api, { method: 'GET', path: () => FRAUD, scope: READ, okStatus: 200 });
    itNeedsScope(ctx, api, { method: 'PATCH', path: () => FRAUD, scope: UPDATE, payload: () => ({ budgets: { enabled: false } }), okStatus: 200 });
    itRejectsBadRequests(ctx, api, clock, { method: 'GET', path: () => FRAUD, scopes: [READ] });
    itRejectsBadRequests(ctx, api, clock, {
      method: 'PATCH',
      path: () => FRAUD,
      scopes: [UPDATE],
      body: { valid: () => ({ budgets: { enabled: false } }), unknownField: { budget: {} }, wrongType: { budgets: { enabled: 'no' } } },
    });
  });
});

describe.each(DIALECTS)('phone fraud rules changed through the API apply to the next send (%s)', (dialect) => {
  const ctx = useTestContext(dialect);
  const api = managementApi(ctx);
  const send = async (phone: string) => {
    const actors = await mfaActors(ctx());
    const mfaToken = await passwordForMfaToken(ctx(), actors);
    return associate(ctx(), mfaToken, { authenticator_types: ['oob'], oob_channels: ['sms'], phone_number: phone });
  };

  it('a country denied by PATCH is refused right away; allowed again by the next PATCH', async () => {
    await enablePhoneFactor(ctx());
    expect((await send(JP_MOBILE)).statusCode).toBe(200);
    expect((await api.call('PATCH', FRAUD, { payload: { country_rules: { sms: { mode: 'deny', countries: ['jp'] } } } })).statusCode).toBe(200);
    expectError(await send(JP_MOBILE), 400, 'invalid_request', "SMS messages to this phone number are not allowed by the tenant's fraud rules. Use another number or another authenticator.");
    expect((await send(US_MOBILE)).statusCode).toBe(200);
    expect((await api.call('PATCH', FRAUD, { payload: { country_rules: { sms: { mode: 'off' } } } })).statusCode).toBe(200);
    expect((await send(JP_MOBILE)).statusCode).toBe(200);
  });

  it('a pumping window of exactly half the baseline is accepted', async () => {
    const response = await api.call('PATCH', FRAUD, { payload: { pumping_detection: { window_minutes: 720, baseline_hours: 24 } } });
    expect(response.statusCode).toBe(200);
    expect(response.json().pumping_detection).toMatchObject({ window_minutes: 720, baseline_hours: 24 });
  });
});
