import { afterAll, describe, expect, it } from 'vitest';
import { US_MOBILE, JP_MOBILE } from '../mfa/support.js';
import { DIALECTS, useTestContext, type TestContext } from '../support/harness.js';
import { managementToken, tokenWithScopes } from '../support/harness.js';
import { FAKE_A, FAKE_B, chainScene, challengeIn, codeFrom, enrollThrough, ledger, startVendors } from './support.js';
import type { Tenant } from '../../src/services/tenants.js';
import { logsOf } from '../auth/helpers.js';

const vendors = await startVendors();
afterAll(() => vendors.close());

/** Sends a fake vendor's signed receipt to Guardline, as the vendor would (on the tenant's host). */
function postReceipt(ctx: TestContext, receipt: { url: string; headers: Record<string, string>; body: unknown }, override: { headers?: Record<string, string>; url?: string } = {}) {
  const url = new URL(override.url ?? receipt.url);
  return ctx.app.inject({ method: 'POST', url: url.pathname + url.search, headers: { host: url.host, ...receipt.headers, ...override.headers }, payload: JSON.stringify(receipt.body) });
}

async function adminOf(ctx: TestContext, tenant: Tenant) {
  const { createAdminApplication } = await import('../../src/services/bootstrap.js');
  const admin = await createAdminApplication(ctx.services, tenant);
  return managementToken(ctx, admin, { tenant });
}

describe.each(DIALECTS)('delivery ledger and receipts (%s)', (dialect) => {
  const ctx = useTestContext(dialect, { providers: [FAKE_A, FAKE_B], providerBaseUrls: vendors.baseUrls });

  it('a signed receipt moves the attempt on; a replay changes nothing and an older status never overwrites a newer one', async () => {
    const { tenant, actors } = await chainScene(ctx(), [{ provider: 'fake-a' }]);
    await enrollThrough(ctx(), tenant, actors, US_MOBILE, () => codeFrom(vendors.a, US_MOBILE));
    const message = vendors.a.messages.at(-1)!;
    const sent = await postReceipt(ctx(), vendors.a.receipt(message.id, 'sent'));
    expect(sent.statusCode).toBe(204);
    const delivered = vendors.a.receipt(message.id, 'delivered');
    expect((await postReceipt(ctx(), delivered)).statusCode).toBe(204);
    const [row] = await ledger(ctx(), tenant);
    expect(row).toMatchObject({ status: 'delivered', provider_message_id: message.id });
    expect(row!.sent_at).not.toBeNull();
    expect(row!.delivered_at).not.toBeNull();
    expect(JSON.parse(row!.history).map((h: { status: string; source: string }) => [h.status, h.source])).toEqual([
      ['queued', 'send'],
      ['sent', 'receipt'],
      ['delivered', 'receipt'],
    ]);
    // the same receipt again, and a late "sent": 204 (the vendor must not retry) and no change
    expect((await postReceipt(ctx(), delivered)).statusCode).toBe(204);
    expect((await postReceipt(ctx(), vendors.a.receipt(message.id, 'sent'))).statusCode).toBe(204);
    expect(await ledger(ctx(), tenant)).toEqual([row]);
  });

  it('answers 403 and changes nothing when the receipt is unsigned, wrongly signed, or signed for another URL', async () => {
    const { tenant, configs, actors } = await chainScene(ctx(), [{ provider: 'fake-a' }]);
    const other = await chainScene(ctx(), [{ provider: 'fake-a' }]);
    await enrollThrough(ctx(), tenant, actors, US_MOBILE, () => codeFrom(vendors.a, US_MOBILE));
    const message = vendors.a.messages.at(-1)!;
    const before = await ledger(ctx(), tenant);
    const receipt = vendors.a.receipt(message.id, 'delivered');
    const missing = await postReceipt(ctx(), { ...receipt, headers: { 'content-type': 'application/json' } });
    expect(missing.statusCode).toBe(403);
    expect(missing.json()).toEqual({ error: 'access_denied', error_description: 'X-Fake-Signature is missing' });
    const wrongKey = vendors.a.receipt(message.id, 'delivered', { apiKey: 'another-api-key-000000' });
    expect((await postReceipt(ctx(), wrongKey)).statusCode).toBe(403);
    // replayed to another config's URL of the same tenant host: the signature covers the URL
    const replay = await postReceipt(ctx(), receipt, { url: `${tenant.issuer}phone/receipts/${configs[0]!.id}?x=1` });
    expect(replay.statusCode).toBe(403);
    // replayed to another tenant's endpoint: the URL differs, so the signature does not match
    const elsewhere = await postReceipt(ctx(), receipt, { url: `${other.tenant.issuer}phone/receipts/${other.configs[0]!.id}` });
    expect(elsewhere.statusCode).toBe(403);
    // a config id of another tenant on this tenant's host: 404
    const crossed = await postReceipt(ctx(), receipt, { url: `${tenant.issuer}phone/receipts/${other.configs[0]!.id}` });
    expect(crossed.statusCode).toBe(404);
    expect(await ledger(ctx(), tenant)).toEqual(before);
  });

  it('GET /api/v2/phone/deliveries: filters, Auth0 paging, one attempt by id, joined to the events by message id; needs read:phone_deliveries', async () => {
    const { tenant, actors } = await chainScene(ctx(), [{ provider: 'fake-a' }, { provider: 'fake-b' }]);
    await enrollThrough(ctx(), tenant, actors, US_MOBILE, () => codeFrom(vendors.a, US_MOBILE));
    vendors.a.next({ kind: 'fail', status: 500, code: 'internal' }, 1);
    expect((await challengeIn(ctx(), tenant, actors)).response.statusCode).toBe(200);
    const jp = await chainScene(ctx(), [{ provider: 'fake-b' }]);
    await enrollThrough(ctx(), jp.tenant, jp.actors, JP_MOBILE, () => codeFrom(vendors.b, JP_MOBILE));

    const token = await adminOf(ctx(), tenant);
    const get = (path: string, bearer = token) => ctx().app.inject({ method: 'GET', url: `/api/v2${path}`, headers: { host: tenant.domain, authorization: `Bearer ${bearer}` } });
    const all = await get('/phone/deliveries');
    expect(all.statusCode).toBe(200);
    const rows = all.json() as Array<Record<string, unknown>>;
    expect(rows.map((r) => [r.attempt, r.provider, r.status])).toEqual([
      [2, 'fake-b', 'queued'],
      [1, 'fake-a', 'failed'],
      [1, 'fake-a', 'queued'],
    ]);
    expect(rows.every((r) => r.destination === 'XXXXXXX2671' && r.country === 'US')).toBe(true);
    expect(JSON.stringify(rows)).not.toContain(US_MOBILE);

    expect((await get('/phone/deliveries?status=failed')).json()).toHaveLength(1);
    expect((await get('/phone/deliveries?provider=fake-b&channel=sms&country=us')).json()).toHaveLength(1);
    expect((await get('/phone/deliveries?country=JP')).json()).toHaveLength(0);
    expect((await get('/phone/deliveries?from=2999-01-01T00:00:00Z')).json()).toHaveLength(0);
    const paged = (await get('/phone/deliveries?per_page=2&page=1&include_totals=true')).json();
    expect(paged).toMatchObject({ start: 2, limit: 2, length: 1, total: 3 });
    expect(paged.deliveries).toHaveLength(1);
    expect((await get('/phone/deliveries?status=lost')).statusCode).toBe(400);

    const one = await get(`/phone/deliveries/${rows[0]!.id}`);
    expect(one.json()).toEqual(rows[0]);
    const missing = await get('/phone/deliveries/dlv_nope');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ errorCode: 'inexistent_phone_delivery' });
    const sent = (await logsOf(ctx(), 'gd_send_sms', tenant)).find((e) => e.details.delivery_id === rows[0]!.id);
    expect(sent!.details.message_id).toBe(rows[0]!.provider_message_id);

    const noScope = await tokenWithScopes(ctx(), ['read:logs'], tenant);
    const refused = await get('/phone/deliveries', noScope);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ errorCode: 'insufficient_scope', message: 'Insufficient scope, expected any of: read:phone_deliveries' });
    const scoped = await tokenWithScopes(ctx(), ['read:phone_deliveries'], tenant);
    expect((await get('/phone/deliveries', scoped)).statusCode).toBe(200);
    // another tenant's token sees only its own ledger
    const jpToken = await adminOf(ctx(), jp.tenant);
    const jpRows = await ctx().app.inject({ method: 'GET', url: '/api/v2/phone/deliveries', headers: { host: jp.tenant.domain, authorization: `Bearer ${jpToken}` } });
    expect((jpRows.json() as unknown[]).length).toBe(1);
    expect((await ctx().app.inject({ method: 'GET', url: `/api/v2/phone/deliveries/${rows[0]!.id}`, headers: { host: jp.tenant.domain, authorization: `Bearer ${jpToken}` } })).statusCode).toBe(404);
  });
});

describe.each(DIALECTS)('SMS→voice fallback (%s)', (dialect) => {
  const ctx = useTestContext(dialect, { providers: [FAKE_A, FAKE_B], providerBaseUrls: vendors.baseUrls });

  it('when no provider can send the SMS, the code goes by voice (voice enabled, user within limits), and the log says so', async () => {
    const { tenant, actors } = await chainScene(ctx(), [{ provider: 'fake-a' }], { messageTypes: ['sms', 'voice'] });
    await enrollThrough(ctx(), tenant, actors, US_MOBILE, () => codeFrom(vendors.a, US_MOBILE));
    vendors.a.next({ kind: 'fail', status: 503, code: 'internal' }, 1);
    expect((await challengeIn(ctx(), tenant, actors)).response.statusCode).toBe(503);

    const token = await adminOf(ctx(), tenant);
    const call = (method: 'GET' | 'PUT', payload?: unknown) =>
      ctx().app.inject({ method, url: '/api/v2/guardian/factors/phone/voice-fallback', headers: { host: tenant.domain, authorization: `Bearer ${token}` }, ...(payload ? { payload: payload as object } : {}) });
    expect((await call('GET')).json()).toEqual({ enabled: false });
    expect((await call('PUT', { enabled: true })).json()).toEqual({ enabled: true });
    expect((await call('GET')).json()).toEqual({ enabled: true });
    vendors.a.next({ kind: 'fail', status: 400, code: 'invalid_number' }, 1);
    const { response } = await challengeIn(ctx(), tenant, actors);
    expect(response.statusCode).toBe(200);
    expect(vendors.a.messages.at(-1)).toMatchObject({ channel: 'voice', to: US_MOBILE });
    const rows = await ledger(ctx(), tenant);
    expect(rows.slice(-2).map((r) => [r.channel, r.status, r.attempt])).toEqual([
      ['sms', 'failed', 1],
      ['voice', 'queued', 2],
    ]);
    const [voice] = await logsOf(ctx(), 'gd_send_voice', tenant);
    expect(voice!.details).toMatchObject({ fallback_from: 'sms', provider: 'fake-a' });
  });

  it('does not fall back where voice is not enabled', async () => {
    const { tenant, actors } = await chainScene(ctx(), [{ provider: 'fake-a' }]);
    await ctx().services.guardian.setVoiceFallback(tenant, true, {});
    await enrollThrough(ctx(), tenant, actors, US_MOBILE, () => codeFrom(vendors.a, US_MOBILE));
    vendors.a.next({ kind: 'fail', status: 503, code: 'internal' }, 1);
    expect((await challengeIn(ctx(), tenant, actors)).response.statusCode).toBe(503);
    expect((await ledger(ctx(), tenant)).at(-1)).toMatchObject({ channel: 'sms', status: 'failed' });
  });
});
