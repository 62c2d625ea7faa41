import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { buildApp } from '../../src/http/app.js';
import { createUser, PASSWORD } from '../auth/helpers.js';
import { FAKE_A, FAKE_B, startVendors } from '../delivery/support.js';
import { useTestContext, type TestContext } from '../support/harness.js';
import { associateSms, enrolment, eventsOf, fraudScene, jpMobile, newLogin, ukMobile, type Scene } from './support.js';

const vendors = await startVendors();
afterAll(async () => vendors.close());

const BACKENDS = [
  ['sqlite', 'sql'],
  ['postgres', 'sql'],
  ['postgres', 'redis'],
] as const;

/** A failed password login of a new identifier from `remoteAddress`: the status it got. */
async function failedLogin(ctx: TestContext, scene: Scene, remoteAddress: string, headers: Record<string, string> = {}, app = ctx.app) {
  const response = await app.inject({
    method: 'POST',
    url: '/oauth/token',
    remoteAddress,
    headers: { host: scene.tenant.domain, 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams({ grant_type: 'password', ...scene.actors.clientAuth, username: `nobody-${Math.random()}@example.com`, password: 'wrong password, surely' }).toString(),
  });
  return response.statusCode;
}

describe.each(BACKENDS)('fraud limits (%s, %s limiter)', (dialect, limiter) => {
  const clock = new ManualClock('2026-12-02T09:00:00.000Z');
  const ctx = useTestContext(dialect, { clock, limiter, providers: [FAKE_A, FAKE_B], providerBaseUrls: vendors.baseUrls });

  it('velocity per IP: max_attempts sends from one address across accounts, then one per `rate`; other addresses unaffected', async () => {
    const scene = await fraudScene(ctx(), { velocity: { per_ip: { enabled: true, max_attempts: 3, rate: 60_000 } } });
    const from = { remoteAddress: '203.0.113.9' };
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await enrolment(ctx(), scene, vendors.a, ukMobile(i), { verify: false, from })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect((await enrolment(ctx(), scene, vendors.a, ukMobile(10), { verify: false, from: { remoteAddress: '203.0.113.10' } })).statusCode).toBe(200);
    const [refusal] = await eventsOf(ctx(), scene.tenant, 'gl_phone_refused');
    expect(refusal).toMatchObject({ ip: '203.0.113.9', details: { reason: 'velocity_per_ip', scope: 'per_ip', retry_after_ms: 60_000 } });
    clock.advance(59_999);
    expect((await enrolment(ctx(), scene, vendors.a, ukMobile(4), { verify: false, from })).statusCode).toBe(429);
    clock.advance(1);
    expect((await enrolment(ctx(), scene, vendors.a, ukMobile(5), { verify: false, from })).statusCode).toBe(200);
  });

  it('X-Forwarded-For changes the address only when GUARDLINE_TRUST_PROXY trusts the proxy', async () => {
    const scene = await fraudScene(ctx(), { velocity: { per_ip: { enabled: true, max_attempts: 2, rate: 3_600_000 } } });
    const spoofed = (i: number) => ({ remoteAddress: '198.51.100.1', headers: { 'x-forwarded-for': `192.0.2.${i}` } });
    const untrusted = [];
    for (let i = 0; i < 3; i++) untrusted.push((await enrolment(ctx(), scene, vendors.a, ukMobile(20 + i), { verify: false, from: spoofed(i) })).statusCode);
    expect(untrusted).toEqual([200, 200, 429]);

    const proxied = await buildApp({ services: ctx().services, trustProxy: '198.51.100.2', enforceDeclaredStatuses: true });
    try {
      const trusted = [];
      for (let i = 0; i < 3; i++) {
        trusted.push((await enrolment(ctx(), scene, vendors.a, ukMobile(30 + i), { verify: false, from: { app: proxied, remoteAddress: '198.51.100.2', headers: { 'x-forwarded-for': `192.0.2.${i}` } } })).statusCode);
      }
      expect(trusted).toEqual([200, 200, 200]);
    } finally {
      await proxied.close();
    }
  });

  it('suspicious IP throttling (pre-login): failed logins across accounts from one address, then 429 even with a right password, one back per `rate`', async () => {
    const scene = await fraudScene(ctx());
    // the settings through the service (the API is tested in settings-api.test.ts)
    await ctx().services.protections.updateSuspiciousIp(scene.tenant, { stage: { 'pre-login': { max_attempts: 3, rate: 60_000 } } });
    const ip = '203.0.113.66';
    expect([await failedLogin(ctx(), scene, ip), await failedLogin(ctx(), scene, ip)]).toEqual([403, 403]);
    expect(await failedLogin(ctx(), scene, ip)).toBe(429);
    const user = await createUser(ctx(), {}, scene.tenant);
    const right = () =>
      ctx().app.inject({
        method: 'POST',
        url: '/oauth/token',
        remoteAddress: ip,
        headers: { host: scene.tenant.domain, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ grant_type: 'password', ...scene.actors.clientAuth, username: user.email, password: PASSWORD }).toString(),
      });
    const refused = await right();
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ error: 'too_many_attempts' });
    // another address is not throttled
    expect((await newLogin(ctx(), scene, { remoteAddress: '203.0.113.67' })).mfaToken).toEqual(expect.any(String));
    const events = await eventsOf(ctx(), scene.tenant, 'limit_mu');
    expect(events.map((e) => e.details.stage)).toEqual(['pre-login', 'pre-login']);
    expect(events[0]).toMatchObject({ ip, details: { blocked: true } });
    clock.advance(60_000);
    expect((await right()).statusCode).toBe(403); // mfa_required: the password was checked again
    // an allow-listed address is never throttled
    await ctx().services.protections.updateSuspiciousIp(scene.tenant, { allowlist: ['203.0.113.0/24'] });
    for (let i = 0; i < 5; i++) expect(await failedLogin(ctx(), scene, ip)).not.toBe(429);
  });

  it('phone provider protection `exponential`: a user waits 1, then 2, then 4 minutes (plus up to 20% jitter) between codes', async () => {
    const scene = await fraudScene(ctx());
    await ctx().services.protections.updateProviderProtection(scene.tenant, { type: 'exponential' });
    const { mfaToken } = await newLogin(ctx(), scene);
    const send = async (n: number) => (await associateSms(ctx(), scene.tenant, mfaToken, jpMobile(n))).statusCode;
    expect(await send(1)).toBe(200);
    expect(await send(2)).toBe(429);
    clock.advance(72_000); // 1 minute + 20%
    expect(await send(3)).toBe(200);
    clock.advance(60_000); // not yet 2 minutes
    expect(await send(4)).toBe(429);
    clock.advance(84_000);
    expect(await send(5)).toBe(200);
    clock.advance(3 * 60_000);
    expect(await send(6)).toBe(429);
    const limits = await eventsOf(ctx(), scene.tenant, 'limit_phone');
    expect(limits).toHaveLength(3);
    expect(limits[0]!.details).toMatchObject({ protection: 'exponential', delivery_method: 'sms' });
  });

  it('country rules: an allow-list per channel and blocked prefixes refuse before any provider is called', async () => {
    const scene = await fraudScene(ctx(), { country_rules: { sms: { mode: 'allow', countries: ['jp'] }, blocked_prefixes: ['+819099'] } });
    const mark = vendors.a.messages.length;
    const uk = await enrolment(ctx(), scene, vendors.a, ukMobile(1), { verify: false });
    expect(uk.statusCode).toBe(400);
    expect(uk.json()).toEqual({ error: 'invalid_request', error_description: "SMS messages to this phone number are not allowed by the tenant's fraud rules. Use another number or another authenticator." });
    expect((await enrolment(ctx(), scene, vendors.a, '+819099123456', { verify: false })).statusCode).toBe(400);
    expect((await enrolment(ctx(), scene, vendors.a, jpMobile(1), { verify: false })).statusCode).toBe(200);
    expect(vendors.a.messages.slice(mark).map((m) => m.to)).toEqual([jpMobile(1)]);
    const refused = await eventsOf(ctx(), scene.tenant, 'gl_phone_refused');
    expect(refused.map((e) => e.details.reason)).toEqual(['country_not_allowed', 'prefix_blocked']);
    expect(refused[0]!.details).toMatchObject({ country: 'GB', authenticator: { phone_number: 'XXXXXXXX3401' } });
  });

  it('budget caps: 50 concurrent sends against a daily cap of 7 messages and a per-IP bucket of 10 — exactly 7 go, and the bucket paid for 7', async () => {
    const scene = await fraudScene(ctx(), { budgets: { enabled: true, tenant: { daily: { messages: 7 } } }, velocity: { per_ip: { enabled: true, max_attempts: 10, rate: 3_600_000 } } });
    const logins = [];
    for (let i = 0; i < 50; i++) logins.push(await newLogin(ctx(), scene));
    const mark = vendors.a.messages.length;
    const results = await Promise.all(logins.map((l, i) => associateSms(ctx(), scene.tenant, l.mfaToken, ukMobile(i), { remoteAddress: '203.0.113.50' })));
    const statuses = results.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 200)).toHaveLength(7);
    expect(statuses.filter((s) => s === 429)).toHaveLength(43);
    expect(results.find((r) => r.statusCode === 429)!.json()).toMatchObject({ error: 'too_many_sms_per_tenant' });
    expect(vendors.a.messages.length - mark).toBe(7);
    // three more sends from that address: the IP bucket (10) lost only the 7 that went, so exactly 3 would pass it
    const ipRule = { name: 'velocity_per_ip', burst: 10, refillEveryMs: 3_600_000 };
    expect((await ctx().limiter.peek(ipRule, `${scene.tenant.id}:203.0.113.50`)).remaining).toBe(3);
    const alerts = (await eventsOf(ctx(), scene.tenant, 'gl_fraud_alert')).filter((a) => a.details.alert === 'budget_reached');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.details).toMatchObject({ metric: 'messages', period: 'day', window: '2026-12-02' });
    // the next UTC day the budget is there again
    clock.advance(Date.parse('2026-12-03T00:00:01.000Z') - clock.now().getTime());
    expect((await enrolment(ctx(), scene, vendors.a, ukMobile(60), { verify: false })).statusCode).toBe(200);
  });
});
