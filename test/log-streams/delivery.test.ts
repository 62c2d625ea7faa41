import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { buildServices } from '../../src/services/index.js';
import type { LogEntryInput } from '../../src/services/events.js';
import type { LogStreamInput } from '../../src/services/log-streams/streams.js';
import type { Tenant } from '../../src/services/tenants.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { startSink, type Sink } from './sink.js';

let tenants = 0;

describe.each(DIALECTS)('log stream delivery (%s)', (dialect) => {
  const clock = new ManualClock();
  const ctx = useTestContext(dialect, { clock, logStreams: { allowHttp: true } });
  let sink: Sink;
  beforeAll(async () => {
    sink = await startSink();
  });
  afterAll(async () => {
    await sink.close();
  });

  const newTenant = () => ctx().services.tenants.create({ name: `streams${++tenants}` });
  const stream = (tenant: Tenant, input: Partial<LogStreamInput> = {}, sinkFields: Record<string, unknown> = {}) =>
    ctx().services.logStreams.streams.create(tenant, { name: 'sink', type: 'http', ...input, sink: { httpEndpoint: sink.url, ...sinkFields } });
  const record = (tenant: Tenant, inputs: LogEntryInput[]) => ctx().services.events.recordAll(tenant.id, inputs);
  const login = (n: number): LogEntryInput => ({ type: 's', userId: `auth0|u${n}`, userName: `user${n}@example.com`, details: { n } });
  const fresh = () => {
    sink.requests.length = 0;
    sink.answer(() => 200);
  };
  const runDue = () => ctx().services.logStreams.delivery.runDue();

  it('JSONARRAY: one request per batch with the content type, authorization and custom headers; each record is the GET /logs object', async () => {
    fresh();
    const tenant = await newTenant();
    const created = await stream(tenant, {}, { httpContentFormat: 'JSONARRAY', httpAuthorization: 'Bearer secret-token', httpContentType: 'application/vnd.test+json', httpCustomHeaders: [{ header: 'X-Tag', value: 'guardline' }] });
    const ids = await record(tenant, [login(1), login(2), login(3)]);
    await runDue();
    expect(sink.requests).toHaveLength(1);
    const [request] = sink.requests;
    expect(request!.headers['content-type']).toBe('application/vnd.test+json');
    expect(request!.headers.authorization).toBe('Bearer secret-token');
    expect(request!.headers['x-tag']).toBe('guardline');
    const records = JSON.parse(request!.body) as Array<{ log_id: string; data: unknown }>;
    expect(records.map((r) => r.log_id)).toEqual(ids);
    for (const r of records) expect(r.data).toEqual(await ctx().services.events.get(tenant.id, r.log_id));
    // the cursor moved: nothing is sent twice
    await runDue();
    expect(sink.requests).toHaveLength(1);
    const health = (await ctx().services.logStreams.streams.get(tenant, created.id)).health;
    expect(health).toMatchObject({ last_delivered_log_id: ids[2], lag: 0, consecutive_failures: 0, last_error: null });
  });

  it('JSONLINES: one object per line; JSONOBJECT: one request per record', async () => {
    for (const [format, requests] of [['JSONLINES', 1], ['JSONOBJECT', 3]] as const) {
      fresh();
      const tenant = await newTenant();
      await stream(tenant, {}, { httpContentFormat: format });
      const ids = await record(tenant, [login(1), login(2), login(3)]);
      await runDue();
      expect(sink.requests, format).toHaveLength(requests);
      if (format === 'JSONLINES') expect(sink.requests[0]!.body.split('\n')).toHaveLength(3);
      expect(sink.accepted(format).map((r) => r.log_id)).toEqual(ids);
      expect(sink.requests[0]!.headers['content-type']).toBe('application/json');
      expect(sink.requests[0]!.headers.authorization).toBeUndefined();
    }
  });

  it('batches of 100, in order, and a new stream starts with new events only (or at startFrom)', async () => {
    fresh();
    const tenant = await newTenant();
    const before = await record(tenant, [login(0), login(1)]);
    const fromNow = await stream(tenant, {}, { httpContentFormat: 'JSONARRAY' });
    const fromLog = await stream(tenant, { startFrom: before[1] }, { httpContentFormat: 'JSONARRAY', httpCustomHeaders: [{ header: 'X-Stream', value: 'from-log' }] });
    const fromDate = await stream(tenant, { startFrom: '2000-01-01' }, { httpContentFormat: 'JSONARRAY', httpCustomHeaders: [{ header: 'X-Stream', value: 'from-date' }] });
    const inputs = Array.from({ length: 150 }, (_, i) => login(i + 10));
    const ids = [...(await record(tenant, inputs.slice(0, 70))), ...(await record(tenant, inputs.slice(70)))];
    await runDue();
    const of = (tag: string | undefined) => sink.requests.filter((r) => r.headers['x-stream'] === tag).map((r) => (JSON.parse(r.body) as Array<{ log_id: string }>).map((x) => x.log_id));
    expect(of(undefined).map((b) => b.length)).toEqual([100, 50]);
    expect(of(undefined).flat()).toEqual(ids);
    expect(of('from-log').flat()).toEqual([before[1], ...ids]);
    expect(of('from-date').flat()).toEqual([...before, ...ids]);
    expect([fromNow, fromLog, fromDate].map((s) => s.health.lag)).toEqual([0, 1, 2]);
  });

  it("filters by category, a prefix covering its subcategories; other tenants' events never reach the stream", async () => {
    fresh();
    const tenant = await newTenant();
    const other = await newTenant();
    await stream(tenant, { filters: [{ type: 'category', name: 'auth.login' }] }, { httpContentFormat: 'JSONARRAY', httpCustomHeaders: [{ header: 'X-Stream', value: 'login' }] });
    await stream(tenant, { filters: [{ type: 'category', name: 'management.success' }, { type: 'category', name: 'other' }] }, { httpContentFormat: 'JSONARRAY', httpCustomHeaders: [{ header: 'X-Stream', value: 'mgmt' }] });
    await record(other, [login(99)]);
    const ids = await record(tenant, [{ type: 's' }, { type: 'f' }, { type: 'sapi' }, { type: 'gd_send_sms' }, { type: 'fp' }, { type: 'mfar' }]);
    await record(other, [login(98)]);
    await runDue();
    const of = (tag: string) => sink.requests.filter((r) => r.headers['x-stream'] === tag).flatMap((r) => (JSON.parse(r.body) as Array<{ data: { type: string } }>).map((x) => x.data.type));
    // mfar is auth.login.notification: auth.login covers it too
    expect(of('login')).toEqual(['s', 'f', 'fp', 'mfar']);
    expect(of('mgmt')).toEqual(['sapi', 'gd_send_sms']);
    expect(ids).toHaveLength(6);
  });

  it('pii_config masks or hashes the listed fields, wherever they are; unlisted fields are kept', async () => {
    fresh();
    const tenant = await newTenant();
    const person: LogEntryInput = {
      type: 's',
      userId: 'auth0|u1',
      userName: 'jane@example.com',
      details: { email: 'jane@example.com', phone_number: '+14155550123', nested: { to: '+14155550123', contact: ['+14155550123'] }, given_name: 'Jane', family_name: 'Doe', username: 'jdoe', address: { street: '1 Main St', city: 'Springfield' }, note: 'keep me', message: 'Sent to +14155550123 for jane@example.com.' },
    };
    const allFields = ['first_name', 'last_name', 'username', 'email', 'phone', 'address'] as const;
    await stream(tenant, { pii_config: { log_fields: [...allFields], method: 'mask' } }, { httpContentFormat: 'JSONARRAY', httpCustomHeaders: [{ header: 'X-Stream', value: 'mask' }] });
    await stream(tenant, { pii_config: { log_fields: [...allFields], method: 'hash', algorithm: 'xxhash' } }, { httpContentFormat: 'JSONARRAY', httpCustomHeaders: [{ header: 'X-Stream', value: 'hash' }] });
    await stream(tenant, { pii_config: { log_fields: ['phone'], method: 'mask' } }, { httpContentFormat: 'JSONARRAY', httpCustomHeaders: [{ header: 'X-Stream', value: 'phone' }] });
    const [id] = await record(tenant, [person]);
    await runDue();
    const data = (tag: string) => (JSON.parse(sink.requests.find((r) => r.headers['x-stream'] === tag)!.body) as Array<{ log_id: string; data: Record<string, any> }>)[0]!;

    const masked = data('mask');
    expect(masked.log_id).toBe(id);
    expect(masked.data).toMatchObject({ log_id: id, type: 's', user_id: 'auth0|u1', user_name: 'j****@****' });
    expect(masked.data.details).toEqual({
      email: 'j****@****',
      phone_number: 'XXXXXXX0123',
      nested: { to: 'XXXXXXX0123', contact: ['XXXXXXX0123'] },
      given_name: 'J****',
      family_name: 'D****',
      username: 'j****',
      address: { street: '1****', city: 'S****' },
      note: 'keep me',
      message: 'Sent to XXXXXXX0123 for j****@****.',
    });

    const hashed = data('hash').data;
    const hex = /^[0-9a-f]{64}$/;
    expect(hashed.user_name).toMatch(hex);
    expect(hashed.details.email).toBe(hashed.user_name); // same value, same hash: events stay joinable
    expect(hashed.details.phone_number).toMatch(hex);
    expect(hashed.details.nested.to).toBe(hashed.details.phone_number);
    expect(hashed.details.given_name).toMatch(hex);
    expect(hashed.details.note).toBe('keep me');
    // keyed: not the plain SHA-256 of the value
    expect(hashed.details.email).not.toBe(createHash('sha256').update('jane@example.com').digest('hex'));
    expect(JSON.stringify(hashed)).not.toContain('jane');
    expect(JSON.stringify(hashed)).not.toContain('4155550123');

    const phoneOnly = data('phone').data;
    expect(phoneOnly.details).toMatchObject({ email: 'jane@example.com', phone_number: 'XXXXXXX0123', given_name: 'Jane', note: 'keep me', message: 'Sent to XXXXXXX0123 for jane@example.com.' });
    expect(phoneOnly.user_name).toBe('jane@example.com');
  });

  it('retries with back-off, suspends after 24 h of continuous failure, and resumes from the cursor when set active', async () => {
    fresh();
    const tenant = await newTenant();
    const created = await stream(tenant, {}, { httpContentFormat: 'JSONARRAY', httpCustomHeaders: [{ header: 'X-Stream', value: 'suspend' }] });
    const requests = () => sink.requests.filter((r) => r.headers['x-stream'] === 'suspend');
    const ok = await record(tenant, [login(1)]);
    await runDue();
    expect(requests()).toHaveLength(1);
    clock.advance(1_000); // caught up: the stream is read again a second later
    sink.answer(() => 500);
    const failing = await record(tenant, [login(2), login(3)]);
    await runDue();
    expect(requests()).toHaveLength(2);
    let health = (await ctx().services.logStreams.streams.get(tenant, created.id)).health;
    expect(health).toMatchObject({ last_delivered_log_id: ok[0], lag: 2, consecutive_failures: 1, last_error: 'The sink answered HTTP 500', failing_since: clock.now().toISOString() });
    expect(Date.parse(health.next_attempt_at!) - clock.now().getTime()).toBe(1_000);
    await runDue(); // backing off: no request
    expect(requests()).toHaveLength(2);
    clock.advance(1_000);
    await runDue();
    expect(requests()).toHaveLength(3);
    health = (await ctx().services.logStreams.streams.get(tenant, created.id)).health;
    expect(Date.parse(health.next_attempt_at!) - clock.now().getTime()).toBe(2_000);
    for (let hours = 0; hours < 24; hours += 6) {
      clock.advance(6 * 3_600_000);
      await runDue();
    }
    const suspended = await ctx().services.logStreams.streams.get(tenant, created.id);
    expect(suspended.status).toBe('suspended');
    expect(suspended.health.suspended_reason).toMatch(/^The sink failed without a break since .*: The sink answered HTTP 500$/);
    expect(suspended.health.next_attempt_at).toBeNull();
    const sent = requests().length;
    clock.advance(3_600_000);
    await runDue();
    expect(requests()).toHaveLength(sent); // suspended: left alone

    sink.answer(() => 200);
    const resumed = await ctx().services.logStreams.streams.update(tenant, created.id, { status: 'active' });
    expect(resumed.health).toMatchObject({ consecutive_failures: 0, failing_since: null, suspended_reason: null });
    await runDue();
    const delivered = requests().filter((r) => r.status === 200).flatMap((r) => (JSON.parse(r.body) as Array<{ log_id: string }>).map((x) => x.log_id));
    expect(delivered).toEqual([...ok, ...failing]);
    expect((await ctx().services.logStreams.streams.get(tenant, created.id)).health).toMatchObject({ last_delivered_log_id: failing[1], lag: 0, consecutive_failures: 0 });
  });

  it('a paused stream sends nothing (its lag grows); set active, it sends what it missed', async () => {
    fresh();
    const tenant = await newTenant();
    const created = await stream(tenant, {}, { httpContentFormat: 'JSONARRAY' });
    await ctx().services.logStreams.streams.update(tenant, created.id, { status: 'paused' });
    const ids = await record(tenant, [login(1), login(2)]);
    await runDue();
    expect(sink.requests).toHaveLength(0);
    const lagOf = async () => (await ctx().services.logStreams.streams.lagSamples()).find((s) => s.stream === created.id)?.lag;
    expect(await lagOf()).toBe(2);
    await ctx().services.logStreams.streams.update(tenant, created.id, { status: 'active' });
    await runDue();
    expect(sink.accepted('JSONARRAY').map((r) => r.log_id)).toEqual(ids);
    expect(await lagOf()).toBe(0);
  });

  it("a stream another node holds is left alone until that node's lease runs out; the cursor survives a restart", async () => {
    fresh();
    const tenant = await newTenant();
    const created = await stream(tenant, {}, { httpContentFormat: 'JSONARRAY' });
    const ids = await record(tenant, [login(1)]);
    const now = clock.now().toISOString();
    expect(await ctx().services.deps.store.logStreams.claim(created.id, now, new Date(clock.now().getTime() + 60_000).toISOString(), 'node_elsewhere')).toBe(true);
    const restarted = buildServices(ctx().services.deps);
    const again = buildServices(ctx().services.deps);
    try {
      // (the other tests' streams are polled too: only this stream's sink requests count)
      await restarted.logStreams.delivery.runDue();
      expect(sink.requests).toHaveLength(0);
      clock.advance(60_001);
      await restarted.logStreams.delivery.runDue();
      expect(sink.accepted('JSONARRAY').map((r) => r.log_id)).toEqual(ids);
      const more = await record(tenant, [login(2)]);
      clock.advance(1_000);
      await again.logStreams.delivery.runDue();
      expect(sink.accepted('JSONARRAY').map((r) => r.log_id)).toEqual([...ids, ...more]);
    } finally {
      await restarted.close();
      await again.close();
    }
  });

  it('two nodes on one database, both polling, a sink failing for a while: every event arrives, in order, once after de-duplication', async () => {
    fresh();
    const tenant = await newTenant();
    const other = await newTenant();
    let calls = 0;
    sink.answer(() => (++calls <= 6 ? 500 : 200));
    await stream(tenant, {}, { httpContentFormat: 'JSONLINES' });
    const node1 = ctx().services;
    const node2 = buildServices(ctx().services.deps);
    const expected: string[] = [];
    for (let i = 0; i < 40; i++) expected.push(...(await record(tenant, [login(i), login(i + 1000)])));
    node1.logStreams.delivery.start(5);
    node2.logStreams.delivery.start(5);
    try {
      const deadline = Date.now() + 20_000;
      let round = 0;
      for (;;) {
        const unique = [...new Set(sink.accepted('JSONLINES').map((r) => r.log_id))];
        if (round >= 30 && unique.length >= expected.length) break;
        if (Date.now() > deadline) throw new Error(`only ${unique.length} of ${expected.length} events arrived after ${round} rounds; ${sink.requests.length} requests: ${JSON.stringify(await ctx().handle.db.selectFrom('log_streams').selectAll().where('tenant_id', '=', tenant.id).execute())}`);
        // more events while delivery runs, another tenant's among them
        if (round < 30) {
          expected.push(...(await record(tenant, [login(round + 5000), login(round + 6000)])));
          await record(other, [login(round)]);
        }
        round++;
        clock.advance(200);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const seen = new Set<string>();
      const order = sink.accepted('JSONLINES').map((r) => r.log_id).filter((id) => !seen.has(id) && seen.add(id));
      expect(order).toEqual(expected);
      expect(sink.requests.filter((r) => r.status === 500)).toHaveLength(6);
      for (const r of sink.accepted('JSONLINES')) expect(r.data.user_name).toMatch(/^user\d+@example\.com$/);
    } finally {
      await node2.close();
      await node1.logStreams.delivery.stop();
    }
  });
});
