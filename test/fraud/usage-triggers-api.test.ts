import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { acmeToken, errorBody, itRejectsBadRequests, managementApi, waitForLog } from '../management/support.js';
import { associate, enablePhoneFactor, mfaActors, passwordForMfaToken } from '../mfa/support.js';
import { startSink, type Sink } from '../log-streams/sink.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { itNeedsScope, READ, UPDATE } from './api-support.js';

const LIST = '/attack-protection/usage-triggers';
const UNKNOWN_ID = 'utr_AAAAAAAAAAAAAAAA';
const VALID = { name: 'daily SMS', metric: 'messages', period: 'day', threshold: 100, webhook_url: 'https://hooks.example.com/guardline' };

const invalid = (message: string) => errorBody(400, 'Bad Request', 'invalid_body', message);

describe.each(DIALECTS)('Management API: usage triggers (%s)', (dialect) => {
  const clock = new ManualClock('2031-03-10T08:00:00.000Z');
  const ctx = useTestContext(dialect, { clock });
  const api = managementApi(ctx);
  const create = (payload: Record<string, unknown> = VALID) => api.call('POST', LIST, { payload });
  const removeAll = async () => {
    for (const t of (await api.call('GET', LIST)).json() as Array<{ id: string }>) expect((await api.call('DELETE', `${LIST}/${t.id}`)).statusCode).toBe(204);
  };

  it('GET lists nothing at first', async () => {
    const response = await api.call('GET', LIST);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual([]);
  });

  it('POST creates: 201 with the secret once; GET list and GET by id never show it', async () => {
    const response = await create({ ...VALID, country: 'fr' });
    expect(response.statusCode).toBe(201);
    const created = response.json();
    expect(created).toEqual({
      id: expect.stringMatching(/^utr_[A-Za-z0-9]{16}$/),
      ...VALID,
      country: 'FR',
      created_at: clock.now().toISOString(),
      secret: expect.stringMatching(/^whsec_.{16,}$/),
    });
    const { secret, ...view } = created;

    const list = await api.call('GET', LIST);
    expect(list.json()).toEqual([view]);
    expect(list.body).not.toContain(secret);
    expect(list.body).not.toContain('secret');

    const one = await api.call('GET', `${LIST}/${created.id}`);
    expect(one.statusCode).toBe(200);
    expect(one.json()).toEqual({ ...view, deliveries: [] });
    expect(one.body).not.toContain(secret);
    expect(one.body).not.toContain('secret');

    // a second trigger (a moment later: the list is in creation order) has its own secret; no country is the whole tenant
    clock.advance(1_000);
    const second = await create({ ...VALID, metric: 'cost', threshold: 12.5 });
    expect(second.statusCode).toBe(201);
    expect(second.json()).toMatchObject({ metric: 'cost', threshold: 12.5, country: null });
    expect(second.json().secret).not.toBe(secret);
    expect(((await api.call('GET', LIST)).json() as Array<{ id: string }>).map((t) => t.id)).toEqual([created.id, second.json().id]);
    await removeAll();
  });

  it.each([
    ['an http URL (private network not allowed)', { webhook_url: 'http://hooks.example.com/guardline' }, 'webhook_url must be an https:// URL'],
    ['a URL with credentials', { webhook_url: 'https://user:pass@hooks.example.com/guardline' }, 'webhook_url must not carry credentials: the request is signed instead'],
    ['a URL with a user only', { webhook_url: 'https://user@hooks.example.com/guardline' }, 'webhook_url must not carry credentials: the request is signed instead'],
    ['a relative URL', { webhook_url: '/hooks/guardline' }, 'webhook_url must be an absolute URL'],
    ['another scheme', { webhook_url: 'ftp://hooks.example.com/x' }, 'webhook_url must be an https:// URL'],
    ['an unknown country', { country: 'xx' }, 'country: "xx" is not an ISO 3166-1 alpha-2 country with a calling code'],
    ['a fractional messages threshold', { threshold: 2.5 }, 'threshold must be a whole number of messages'],
    ['a zero threshold', { threshold: 0 }, "Payload validation error: 'threshold: must be > 0'."],
    ['an unknown metric', { metric: 'calls' }, 'Payload validation error: \'metric: must be one of "messages", "cost"\'.'],
    ['an unknown period', { period: 'week' }, 'Payload validation error: \'period: must be one of "hour", "day", "month"\'.'],
    ['a 3-letter country', { country: 'FRA' }, 'Payload validation error: \'country: must match pattern "^[A-Za-z]{2}$"\'.'],
    ['an unknown field', { secret: 'whsec_mine' }, "Payload validation error: 'Additional properties not allowed: secret'."],
  ])('POST with %s → 400, nothing created', async (_, change, message) => {
    const response = await create({ ...VALID, ...change });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual(invalid(message));
    expect((await api.call('GET', LIST)).json()).toEqual([]);
  });

  it('POST without a required field → 400', async () => {
    const { webhook_url: _, ...missing } = VALID;
    const response = await create(missing);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ statusCode: 400, error: 'Bad Request', errorCode: 'invalid_body' });
    expect(response.json().message).toContain('webhook_url');
  });

  it('a fractional threshold is fine for cost', async () => {
    expect((await create({ ...VALID, metric: 'cost', threshold: 0.75 })).statusCode).toBe(201);
    await removeAll();
  });

  it('the 21st trigger → 403 too_many_entities; after a delete there is room again', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const response = await create({ ...VALID, name: `t${i}` });
      expect(response.statusCode).toBe(201);
      ids.push(response.json().id);
    }
    const refused = await create({ ...VALID, name: 't20' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toEqual(errorBody(403, 'Forbidden', 'too_many_entities', 'A tenant can have at most 20 usage triggers.'));
    expect((await api.call('GET', LIST)).json()).toHaveLength(20);
    // the limit is per tenant
    const acme = await acmeToken(ctx);
    const other = await api.call('POST', LIST, { token: acme.token, host: acme.tenant.domain, payload: VALID });
    expect(other.statusCode).toBe(201);
    expect((await api.call('DELETE', `${LIST}/${other.json().id}`, { token: acme.token, host: acme.tenant.domain })).statusCode).toBe(204);

    expect((await api.call('DELETE', `${LIST}/${ids[0]}`)).statusCode).toBe(204);
    expect((await create({ ...VALID, name: 't20' })).statusCode).toBe(201);
    await removeAll();
  });

  it('GET /{id} of an unknown trigger → 404 inexistent_usage_trigger; a malformed id → 400', async () => {
    const response = await api.call('GET', `${LIST}/${UNKNOWN_ID}`);
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual(errorBody(404, 'Not Found', 'inexistent_usage_trigger', 'The usage trigger does not exist.'));
    const malformed = await api.call('GET', `${LIST}/not-an-id`);
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ statusCode: 400, error: 'Bad Request', errorCode: 'invalid_uri' });
  });

  it('DELETE → 204, then GET and DELETE → 404', async () => {
    const { id } = (await create()).json();
    const deleted = await api.call('DELETE', `${LIST}/${id}`);
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    expect((await api.call('GET', `${LIST}/${id}`)).statusCode).toBe(404);
    const again = await api.call('DELETE', `${LIST}/${id}`);
    expect(again.statusCode).toBe(404);
    expect(again.json()).toEqual(errorBody(404, 'Not Found', 'inexistent_usage_trigger', 'The usage trigger does not exist.'));
    expect((await api.call('GET', LIST)).json()).toEqual([]);
  });

  it("another tenant neither sees, reads nor deletes this tenant's triggers", async () => {
    const { id } = (await create()).json();
    const acme = await acmeToken(ctx);
    const as = { token: acme.token, host: acme.tenant.domain };
    expect((await api.call('GET', LIST, as)).json()).toEqual([]);
    expect((await api.call('GET', `${LIST}/${id}`, as)).statusCode).toBe(404);
    expect((await api.call('DELETE', `${LIST}/${id}`, as)).statusCode).toBe(404);
    expect((await api.call('GET', `${LIST}/${id}`)).statusCode).toBe(200);
    await removeAll();
  });

  describe('scopes', () => {
    let id = '';
    itNeedsScope(ctx, api, { method: 'GET', path: () => LIST, scope: READ, okStatus: 200 });
    itNeedsScope(ctx, api, { method: 'POST', path: () => LIST, scope: UPDATE, payload: () => VALID, okStatus: 201 });
    itNeedsScope(ctx, api, {
      method: 'GET',
      path: async () => {
        id ||= (await create()).json().id;
        return `${LIST}/${id}`;
      },
      scope: READ,
      okStatus: 200,
    });
    itNeedsScope(ctx, api, {
      method: 'DELETE',
      path: async () => `${LIST}/${(await create()).json().id}`,
      scope: UPDATE,
      okStatus: 204,
    });
    it('(clean up)', removeAll);
    itRejectsBadRequests(ctx, api, clock, { method: 'GET', path: () => LIST, scopes: [READ] });
    itRejectsBadRequests(ctx, api, clock, { method: 'GET', path: () => `${LIST}/${UNKNOWN_ID}`, scopes: [READ] });
    itRejectsBadRequests(ctx, api, clock, { method: 'DELETE', path: () => `${LIST}/${UNKNOWN_ID}`, scopes: [UPDATE] });
    itRejectsBadRequests(ctx, api, clock, {
      method: 'POST',
      path: () => LIST,
      scopes: [UPDATE],
      body: { valid: () => VALID, unknownField: { secret: 'x' }, wrongType: { threshold: 'ten' } },
    });
  });
});

describe.each(DIALECTS)('usage trigger webhooks, end to end (%s)', (dialect) => {
  const clock = new ManualClock('2031-03-10T08:00:00.000Z');
  const ctx = useTestContext(dialect, { clock, actions: { allowPrivateNetwork: true } });
  const api = managementApi(ctx);
  let sink: Sink;
  beforeAll(async () => {
    sink = await startSink();
    await enablePhoneFactor(ctx());
  });
  afterAll(async () => {
    await sink.close();
  });

  /** One SMS code sent through the MFA API (an enrolment's first code), to a number of its own. */
  const numbers = ['+14155552671', '+819012345678', '+447400123456', '+447400123457', '+447400123458', '+447400123459'];
  let sent = 0;
  const sendSms = async () => {
    const actors = await mfaActors(ctx());
    const mfaToken = await passwordForMfaToken(ctx(), actors);
    const response = await associate(ctx(), mfaToken, { authenticator_types: ['oob'], oob_channels: ['sms'], phone_number: numbers[sent++]! });
    expect(response.statusCode).toBe(200);
  };
  const runDue = () => ctx().services.usageTriggers.runDue();
  const verify = (secret: string, header: string, body: string) => {
    const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
    expect(match).not.toBeNull();
    const [, t, v1] = match!;
    expect(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')).toBe(v1);
    return Number(t);
  };

  it('http:// on loopback is accepted when the private network is allowed', async () => {
    const response = await api.call('POST', LIST, { payload: { ...VALID, webhook_url: sink.url } });
    expect(response.statusCode).toBe(201);
    expect((await api.call('DELETE', `${LIST}/${response.json().id}`)).statusCode).toBe(204);
  });

  let first: { id: string; secret: string };
  it('the send that reaches the threshold queues one signed webhook and a gl_fraud_alert event; later sends queue none', async () => {
    const created = await api.call('POST', LIST, { payload: { name: 'three a day', metric: 'messages', period: 'day', threshold: 3, webhook_url: sink.url } });
    expect(created.statusCode).toBe(201);
    first = created.json();

    await sendSms();
    await sendSms();
    expect(await runDue()).toBe(0);
    expect(sink.requests).toHaveLength(0);
    await sendSms();
    expect(await runDue()).toBe(1);
    expect(sink.requests).toHaveLength(1);

    const [request] = sink.requests;
    expect(request!.headers['content-type']).toBe('application/json');
    const body = JSON.parse(request!.body);
    expect(body).toEqual({
      id: expect.stringMatching(/^whd_/),
      type: 'usage.threshold_crossed',
      created_at: clock.now().toISOString(),
      tenant: ctx().tenant.name,
      trigger: { id: first.id, name: 'three a day', metric: 'messages', period: 'day', country: null, threshold: 3 },
      window: '2031-03-10',
      value: 3,
    });
    expect(request!.headers['guardline-delivery']).toBe(body.id);
    const t = verify(first.secret, request!.headers['guardline-signature'] as string, request!.body);
    expect(t).toBe(Math.floor(clock.now().getTime() / 1000));
    // the signature is over this body with this secret: another secret does not verify
    expect(createHmac('sha256', 'whsec_other').update(`${t}.${request!.body}`).digest('hex')).not.toBe(/v1=([0-9a-f]+)/.exec(request!.headers['guardline-signature'] as string)![1]);

    const alert = await waitForLog(api, 'type:gl_fraud_alert', (e) => (e.details as Record<string, unknown> | undefined)?.alert === 'usage_threshold');
    expect(alert.details).toMatchObject({ alert: 'usage_threshold', trigger_id: first.id, metric: 'messages', period: 'day', threshold: 3, value: 3, window: '2031-03-10', webhook_delivery_id: body.id });

    const detail = (await api.call('GET', `${LIST}/${first.id}`)).json();
    expect(detail.deliveries).toEqual([{ id: body.id, window: '2031-03-10', attempts: 1, delivered_at: clock.now().toISOString(), last_error: null, created_at: clock.now().toISOString() }]);

    // a 4th send is above the threshold, not across it
    await sendSms();
    clock.advance(60_000);
    expect(await runDue()).toBe(0);
    expect(sink.requests).toHaveLength(1);
    expect((await api.call('GET', `${LIST}/${first.id}`)).json().deliveries).toHaveLength(1);
    const alerts = (await api.call('GET', `/logs?per_page=100&q=${encodeURIComponent('type:gl_fraud_alert')}`)).json() as Array<{ details?: { alert?: string } }>;
    expect(alerts.filter((e) => e.details?.alert === 'usage_threshold')).toHaveLength(1);
  });

  it('a delivery the endpoint refuses (500) is retried after 10 s and arrives; GET /{id} shows the attempts', async () => {
    sink.requests.length = 0;
    let calls = 0;
    sink.answer(() => (++calls === 1 ? 500 : 200));
    // the day counter the first trigger watches is at 4: the 5th send crosses 5
    const created = await api.call('POST', LIST, { payload: { name: 'five a day', metric: 'messages', period: 'day', threshold: 5, webhook_url: sink.url } });
    expect(created.statusCode).toBe(201);
    const trigger = created.json();
    await sendSms();
    const queuedAt = clock.now().toISOString();

    expect(await runDue()).toBe(1);
    expect(sink.requests.map((r) => r.status)).toEqual([500]);
    let detail = (await api.call('GET', `${LIST}/${trigger.id}`)).json();
    expect(detail.deliveries).toEqual([{ id: expect.stringMatching(/^whd_/), window: '2031-03-10', attempts: 1, delivered_at: null, last_error: 'the endpoint answered 500', created_at: queuedAt }]);

    // not due before its back-off has passed
    clock.advance(9_000);
    expect(await runDue()).toBe(0);
    expect(sink.requests).toHaveLength(1);

    clock.advance(1_001);
    expect(await runDue()).toBe(1);
    expect(sink.requests.map((r) => r.status)).toEqual([500, 200]);
    // the same delivery, signed again with a fresh timestamp
    expect(sink.requests[1]!.body).toBe(sink.requests[0]!.body);
    const t = verify(trigger.secret, sink.requests[1]!.headers['guardline-signature'] as string, sink.requests[1]!.body);
    expect(t).toBe(Math.floor(clock.now().getTime() / 1000));
    expect(JSON.parse(sink.requests[1]!.body)).toMatchObject({ type: 'usage.threshold_crossed', value: 5, window: '2031-03-10', trigger: { id: trigger.id, threshold: 5 } });

    detail = (await api.call('GET', `${LIST}/${trigger.id}`)).json();
    expect(detail.deliveries).toEqual([{ id: expect.stringMatching(/^whd_/), window: '2031-03-10', attempts: 2, delivered_at: clock.now().toISOString(), last_error: null, created_at: queuedAt }]);
    // delivered: never sent again
    clock.advance(3_600_000);
    expect(await runDue()).toBe(0);
    expect(sink.requests).toHaveLength(2);
  });

  it('a pending delivery of a deleted trigger is never sent again', async () => {
    sink.requests.length = 0;
    sink.answer(() => 500);
    const created = await api.call('POST', LIST, { payload: { name: 'six a day', metric: 'messages', period: 'day', threshold: 6, webhook_url: sink.url } });
    expect(created.statusCode).toBe(201);
    await sendSms();
    expect(await runDue()).toBe(1);
    expect(sink.requests).toHaveLength(1);
    expect((await api.call('DELETE', `${LIST}/${created.json().id}`)).statusCode).toBe(204);
    sink.answer(() => 200);
    clock.advance(10_001);
    await runDue();
    clock.advance(3_600_000);
    await runDue();
    expect(sink.requests).toHaveLength(1);
  });
});
