import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { logsOf } from '../auth/helpers.js';
import { JP_MOBILE, US_MOBILE, oobExchange } from '../mfa/support.js';
import { ManualClock } from '../../src/domain/clock.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { FAKE_A, FAKE_B, FAKE_SMS_ONLY, chainScene, challengeIn, codeFrom, enrollThrough, ledger, startVendors } from './support.js';

const vendors = await startVendors();
afterAll(() => vendors.close());

describe.each(DIALECTS)('the delivery chain (%s)', (dialect) => {
  const clock = new ManualClock();
  const ctx = useTestContext(dialect, { clock, providers: [FAKE_A, FAKE_B, FAKE_SMS_ONLY], providerBaseUrls: vendors.baseUrls, delivery: { budgetMs: 1_500, concurrency: 2 } });
  beforeEach(() => {
    vendors.a.reset();
    vendors.b.reset();
    vendors.smsOnly.reset();
  });

  it('sends through the first provider when it is up, with everything the kit promises in the message', async () => {
    const { tenant, configs, actors } = await chainScene(ctx(), [{ provider: 'fake-a' }, { provider: 'fake-b' }]);
    const before = vendors.b.messages.length;
    await enrollThrough(ctx(), tenant, actors, US_MOBILE, () => codeFrom(vendors.a, US_MOBILE));
    expect(vendors.b.messages).toHaveLength(before);
    const sent = vendors.a.messages.at(-1)!;
    expect(sent).toMatchObject({ to: US_MOBILE, from: 'Guardline', channel: 'sms', callbackUrl: `${tenant.issuer}phone/receipts/${configs[0]!.id}` });
    expect(sent.text).toMatch(/is your verification code/);
    const [row] = await ledger(ctx(), tenant);
    expect(row).toMatchObject({ attempt: 1, provider: 'fake-a', provider_config_id: configs[0]!.id, destination: 'XXXXXXX2671', country: 'US', status: 'queued', provider_message_id: sent.id, error: null });
    expect(row!.accepted_at).not.toBeNull();
    // the ledger keeps neither the code, nor the text, nor the number
    const code = /\d{6}/.exec(sent.text)![0];
    expect(JSON.stringify(row)).not.toContain(code);
    expect(JSON.stringify(row)).not.toContain(US_MOBILE.slice(1));
    const [event] = await logsOf(ctx(), 'gd_send_sms', tenant);
    expect(event!.details).toMatchObject({ provider: 'fake-a', provider_config_id: configs[0]!.id, message_id: sent.id, delivery_id: row!.id, send_id: row!.send_id, attempt: 1 });
  });

  it('fails over on a transient error: the code arrives through the second provider, each hop an event and a ledger row', async () => {
    const { tenant, configs, actors } = await chainScene(ctx(), [{ provider: 'fake-a' }, { provider: 'fake-b' }]);
    vendors.a.next({ kind: 'fail', status: 503, code: 'internal' });
    await enrollThrough(ctx(), tenant, actors, US_MOBILE, () => codeFrom(vendors.b, US_MOBILE));
    const { mfaToken, response } = await challengeIn(ctx(), tenant, actors);
    expect(response.statusCode).toBe(200);
    expect((await oobExchange(ctx(), actors.clientAuth, mfaToken, response.json().oob_code, codeFrom(vendors.b, US_MOBILE), tenant)).statusCode).toBe(200);

    const rows = await ledger(ctx(), tenant);
    expect(rows.map((r) => [r.attempt, r.provider, r.status])).toEqual([
      [1, 'fake-a', 'failed'],
      [2, 'fake-b', 'queued'],
      [1, 'fake-a', 'failed'],
      [2, 'fake-b', 'queued'],
    ]);
    expect(rows[0]!.send_id).toBe(rows[1]!.send_id);
    expect(rows[0]!.send_id).not.toBe(rows[2]!.send_id);
    expect(JSON.parse(rows[0]!.error!)).toEqual({ class: 'transient', errorCode: 'internal', message: 'Told to fail with 503' });
    const failures = await logsOf(ctx(), 'gd_send_sms_failure', tenant);
    expect(failures).toHaveLength(2);
    expect(failures[0]!.details).toMatchObject({ provider: 'fake-a', provider_config_id: configs[0]!.id, outcome: 'transient', provider_error: { errorCode: 'internal', message: 'Told to fail with 503' }, attempt: 1 });
    expect((await logsOf(ctx(), 'gd_send_sms', tenant)).map((e) => e.details.provider)).toEqual(['fake-b', 'fake-b']);
  });

  it('a provider that never answers costs at most the budget: it is aborted and the next provider delivers', async () => {
    const { tenant, actors } = await chainScene(ctx(), [{ provider: 'fake-a' }, { provider: 'fake-b' }]);
    await enrollThrough(ctx(), tenant, actors, US_MOBILE, () => codeFrom(vendors.a, US_MOBILE));
    vendors.a.next({ kind: 'slow', ms: 600 }, 1);
    const { response } = await challengeIn(ctx(), tenant, actors);
    expect(response.statusCode).toBe(200);
    // fake-a answered (slowly) within the budget; now it hangs for good
    vendors.a.next({ kind: 'hang' });
    const hung = await challengeIn(ctx(), tenant, actors);
    expect(hung.response.statusCode).toBe(200);
    const rows = await ledger(ctx(), tenant);
    expect(rows.slice(-2).map((r) => [r.provider, r.status, r.error && JSON.parse(r.error).errorCode])).toEqual([
      ['fake-a', 'failed', 'timeout'],
      ['fake-b', 'queued', null],
    ]);
  });

  it('does not fail over on a permanent error; the MFA API answers invalid_request and the user keeps the send', async () => {
    const { tenant, actors } = await chainScene(ctx(), [{ provider: 'fake-a' }, { provider: 'fake-b' }]);
    await enrollThrough(ctx(), tenant, actors, US_MOBILE, () => codeFrom(vendors.a, US_MOBILE));
    const toB = vendors.b.requests.length;
    vendors.a.next({ kind: 'fail', status: 400, code: 'invalid_number' }, 1);
    const { response } = await challengeIn(ctx(), tenant, actors);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'invalid_request', error_description: 'The code could not be delivered to this phone number. Check the number, or use another authenticator.' });
    expect(vendors.b.requests).toHaveLength(toB);
    const [failure] = await logsOf(ctx(), 'gd_send_sms_failure', tenant);
    expect(failure!.details).toMatchObject({ outcome: 'permanent', provider: 'fake-a', provider_error: { errorCode: 'invalid_number' } });
  });

  it('does not fail over when the credentials are wrong (misconfigured): 503 for the user, the event tells the operator', async () => {
    const { tenant, actors } = await chainScene(ctx(), [{ provider: 'fake-a' }, { provider: 'fake-b' }]);
    await enrollThrough(ctx(), tenant, actors, US_MOBILE, () => codeFrom(vendors.a, US_MOBILE));
    const toB = vendors.b.requests.length;
    vendors.a.next({ kind: 'fail', status: 401, code: 'unauthorized' }, 1);
    const { response } = await challengeIn(ctx(), tenant, actors);
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ error: 'temporarily_unavailable', error_description: 'The code could not be sent. Try again later.' });
    expect(vendors.b.requests).toHaveLength(toB);
    const [failure] = await logsOf(ctx(), 'gd_send_sms_failure', tenant);
    expect(failure!.details).toMatchObject({ outcome: 'misconfigured', provider_error: { errorCode: 'unauthorized' } });
  });

  it('answers 503 when every provider fails transiently, and the failed sends do not use up the user\'s bucket', async () => {
    const { tenant, actors } = await chainScene(ctx(), [{ provider: 'fake-a' }, { provider: 'fake-b' }]);
    await enrollThrough(ctx(), tenant, actors, US_MOBILE, () => codeFrom(vendors.a, US_MOBILE));
    vendors.a.next({ kind: 'fail', status: 500, code: 'internal' }, 3);
    vendors.b.next({ kind: 'fail', status: 429, code: 'rate_limited' }, 3);
    for (let i = 0; i < 3; i++) expect((await challengeIn(ctx(), tenant, actors)).response.statusCode).toBe(503);
    // 1 send used by the enrollment; 9 left
    for (let i = 0; i < 9; i++) expect((await challengeIn(ctx(), tenant, actors)).response.statusCode).toBe(200);
    expect((await challengeIn(ctx(), tenant, actors)).response.statusCode).toBe(429);
  });

  it('opens the circuit of a provider that keeps failing: it is skipped (no request reaches it) until its cool-down', async () => {
    const { tenant, configs, actors } = await chainScene(ctx(), [{ provider: 'fake-a' }, { provider: 'fake-b' }]);
    await enrollThrough(ctx(), tenant, actors, US_MOBILE, () => codeFrom(vendors.a, US_MOBILE));
    vendors.a.next({ kind: 'fail', status: 500, code: 'internal' });
    for (let i = 0; i < 5; i++) expect((await challengeIn(ctx(), tenant, actors)).response.statusCode).toBe(200);
    const reachedA = vendors.a.requests.length;
    expect((await challengeIn(ctx(), tenant, actors)).response.statusCode).toBe(200);
    expect(vendors.a.requests).toHaveLength(reachedA);
    const skipped = (await ledger(ctx(), tenant)).at(-2)!;
    expect(skipped).toMatchObject({ provider_config_id: configs[0]!.id, status: 'failed' });
    expect(JSON.parse(skipped.error!)).toMatchObject({ class: 'skipped', errorCode: 'circuit_open' });

    // after the cool-down one send probes fake-a again; it has recovered, so the circuit closes
    vendors.a.reset();
    clock.advance(30_000);
    expect((await challengeIn(ctx(), tenant, actors)).response.statusCode).toBe(200);
    expect(vendors.a.requests).toHaveLength(reachedA + 1);
    expect((await ledger(ctx(), tenant)).at(-1)).toMatchObject({ provider: 'fake-a', status: 'queued' });
  });

  it('a per-country chain: a configuration limited to JP serves JP numbers only', async () => {
    const { tenant, actors } = await chainScene(ctx(), [{ provider: 'fake-a', countries: ['JP'] }, { provider: 'fake-b' }]);
    await enrollThrough(ctx(), tenant, actors, US_MOBILE, () => codeFrom(vendors.b, US_MOBILE));
    expect((await ledger(ctx(), tenant)).map((r) => r.provider)).toEqual(['fake-b']);
    const jp = await chainScene(ctx(), [{ provider: 'fake-a', countries: ['JP'] }, { provider: 'fake-b' }]);
    await enrollThrough(ctx(), jp.tenant, jp.actors, JP_MOBILE, () => codeFrom(vendors.a, JP_MOBILE));
    expect((await ledger(ctx(), jp.tenant)).map((r) => [r.provider, r.country])).toEqual([['fake-a', 'JP']]);
  });

  it('voice goes only to providers whose definition carries voice', async () => {
    const { tenant, actors } = await chainScene(ctx(), [{ provider: 'fake-sms-only' }, { provider: 'fake-b' }], { messageTypes: ['sms', 'voice'] });
    await enrollThrough(ctx(), tenant, actors, US_MOBILE, () => codeFrom(vendors.smsOnly, US_MOBILE));
    const { response } = await challengeIn(ctx(), tenant, actors, { oob_channel: 'voice' });
    expect(response.statusCode).toBe(200);
    expect(vendors.b.messages.at(-1)).toMatchObject({ to: US_MOBILE, channel: 'voice' });
    expect((await ledger(ctx(), tenant)).at(-1)).toMatchObject({ provider: 'fake-b', channel: 'voice' });
  });

});

describe.each(DIALECTS)('a slow provider stays its own tenant\'s problem (%s)', (dialect) => {
  // A long budget, so that only the test decides when the hung provider gives up (nothing here depends on timing).
  const ctx = useTestContext(dialect, { providers: [FAKE_A, FAKE_B], providerBaseUrls: vendors.baseUrls, delivery: { budgetMs: 30_000, concurrency: 2 } });

  it("a hanging provider of one tenant never blocks another tenant's challenges; over the per-config limit a send is refused at once", async () => {
    const slow = await chainScene(ctx(), [{ provider: 'fake-a' }]);
    const other = await chainScene(ctx(), [{ provider: 'fake-b' }]);
    await enrollThrough(ctx(), slow.tenant, slow.actors, US_MOBILE, () => codeFrom(vendors.a, US_MOBILE));
    await enrollThrough(ctx(), other.tenant, other.actors, JP_MOBILE, () => codeFrom(vendors.b, JP_MOBILE));
    vendors.a.next({ kind: 'hang' });
    const done = [false, false, false];
    const pending = [0, 1, 2].map((i) =>
      challengeIn(ctx(), slow.tenant, slow.actors).then((r) => {
        done[i] = true;
        return r;
      }),
    );
    // while tenant A's sends hang on its provider, tenant B's challenges are answered
    for (let i = 0; i < 3; i++) expect((await challengeIn(ctx(), other.tenant, other.actors)).response.statusCode).toBe(200);
    // two of A's sends hold the configuration's two slots and are still waiting for the hung provider
    expect(done.filter((d) => !d).length).toBeGreaterThanOrEqual(2);
    while (vendors.a.requests.filter((r) => r.status === 0).length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    vendors.a.releaseHung();
    vendors.a.reset();
    const answers = await Promise.all(pending);
    expect(answers.map((a) => a.response.statusCode)).toEqual([503, 503, 503]);
    // the third never reached fake-a: refused at once because two were in flight (the limit per configuration and node)
    const errors = (await ledger(ctx(), slow.tenant)).slice(-3).map((r) => JSON.parse(r.error!).errorCode).sort();
    expect(errors).toEqual(['busy', 'internal', 'internal']);
    vendors.a.reset();
  });
});
