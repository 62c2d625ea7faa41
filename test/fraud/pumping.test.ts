import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { FAKE_A, FAKE_B, startVendors } from '../delivery/support.js';
import { useTestContext } from '../support/harness.js';
import { enrolment, eventsOf, fraudScene, jpMobile, ukMobile } from './support.js';

/**
 * A simulated SMS-pumping attack: one script creates accounts and enrols numbers under one UK prefix it earns money
 * on, never typing a code back, while real users in Japan keep logging in and typing theirs. The detector runs with
 * the product's defaults (prefix = first 5 digits, 10-minute windows, 24-hour baseline, min 20 messages, completion
 * under 20%). These runs are what docs/security.md quotes.
 */
const vendors = await startVendors();
afterAll(async () => vendors.close());

describe.each(['sqlite', 'postgres'] as const)('pumping detection (%s)', (dialect) => {
  const clock = new ManualClock('2026-12-02T09:00:00.000Z');
  const ctx = useTestContext(dialect, { clock, providers: [FAKE_A, FAKE_B], providerBaseUrls: vendors.baseUrls });
  const context = () => ctx();

  it('a burst to one prefix is stopped after min_messages (20) unverified sends; other countries keep flowing', async () => {
    const c = context();
    const scene = await fraudScene(c);
    const mark = vendors.a.messages.length;
    const attack: number[] = [];
    const legit: number[] = [];
    for (let i = 0; i < 40; i++) {
      attack.push((await enrolment(c, scene, vendors.a, ukMobile(i), { verify: false })).statusCode);
      if (i % 2 === 0) legit.push((await enrolment(c, scene, vendors.a, jpMobile(i), { verify: true })).statusCode);
    }
    const delivered = vendors.a.messages.slice(mark).filter((m) => m.to.startsWith('+44740')).length;
    expect(delivered).toBe(20);
    expect(attack.slice(0, 20)).toEqual(Array(20).fill(200));
    expect(attack.slice(20)).toEqual(Array(20).fill(400));
    expect(legit).toEqual(Array(20).fill(200));

    const blocks = await c.services.prefixBlocks.list(scene.tenant);
    expect(blocks).toEqual([expect.objectContaining({ prefix: '+44740', state: 'blocked', reason: 'spike', details: expect.objectContaining({ current: 20, baseline_average: 0 }) })]);
    const alerts = await eventsOf(c, scene.tenant, 'gl_fraud_alert');
    expect(alerts.filter((a) => a.details.alert === 'prefix_blocked')).toHaveLength(1);
    expect(alerts.filter((a) => a.details.alert === 'country_send_spike' && a.details.country === 'GB')).toHaveLength(1);
    const refused = await eventsOf(c, scene.tenant, 'gl_phone_refused');
    expect(refused).toHaveLength(20);
    expect(refused[0]!.details).toMatchObject({ reason: 'pumping_block', prefix: '+44740', delivery_method: 'sms' });
    // the number is masked in the event, never whole
    expect(JSON.stringify(refused)).not.toContain('7400123420');
    expect(await c.services.metrics.render()).toMatch(/guardline_fraud_rejections_total\{reason="pumping_block",channel="sms"\} 20/);

    // the block ends after block_minutes (60); the administrator may lift it earlier, and the detector then waits
    clock.advance(61 * 60_000);
    expect((await enrolment(c, scene, vendors.a, ukMobile(90), { verify: false })).statusCode).toBe(200);
  });

  it('an attack paced under the spike threshold is stopped by its completion rate', async () => {
    const c = context();
    const scene = await fraudScene(c);
    const statuses: number[] = [];
    for (let window = 0; window < 8; window++) {
      for (let i = 0; i < 5; i++) statuses.push((await enrolment(c, scene, vendors.a, ukMobile(window * 5 + i), { verify: false })).statusCode);
      // real users in the same windows, codes typed back
      expect((await enrolment(c, scene, vendors.a, jpMobile(window), { verify: true })).statusCode).toBe(200);
      clock.advance(10 * 60_000);
    }
    // four finished windows hold 20 unverified sends: the 5th send of the 5th window sees them and blocks
    expect(statuses.indexOf(400)).toBe(25);
    expect(statuses.slice(0, 25)).toEqual(Array(25).fill(200));
    const [block] = await c.services.prefixBlocks.list(scene.tenant);
    expect(block).toMatchObject({ prefix: '+44740', reason: 'low_completion', details: { sent: 20, verified: 0, completion_rate: 0 } });
  });

  it('real users who type their codes are never blocked, however fast they come', async () => {
    const c = context();
    const scene = await fraudScene(c);
    for (let i = 0; i < 45; i++) expect((await enrolment(c, scene, vendors.a, jpMobile(i), { verify: true })).statusCode).toBe(200);
    expect(await c.services.prefixBlocks.list(scene.tenant)).toEqual([]);
  });
});
