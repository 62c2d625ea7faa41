import type { MessageChannel } from '../../domain/message-templates.js';
import { parsePhoneNumber } from '../../domain/phone-number.js';
import { costMicros, type PriceTable } from '../../domain/phone-fraud/prices.js';
import { baselineSlots, pumpingVerdict, spikeVerdict, worthEvaluating } from '../../domain/phone-fraud/pumping.js';
import { prefixOf, ruleRefusal, type RuleRefusal } from '../../domain/phone-fraud/rules.js';
import { BACKOFF_LEVELS, sendLimits, TRAFFIC, trafficSlot, windowOf, type SendFacts, type TakeLabel, type UsageMetric, type UsagePeriod } from '../../domain/phone-fraud/send-limits.js';
import type { PhoneFraudSettings, VelocityScope } from '../../domain/phone-fraud/settings.js';
import { PHONE_LIMITS, type LimitResult, type LimitTake } from '../../limits/index.js';
import type { Metrics } from '../../metrics/index.js';
import type { RequestContext, ServiceDeps } from '../context.js';
import type { EventLog } from '../events.js';
import type { Tenant } from '../tenants.js';
import { createPoller } from '../poller.js';
import type { PrefixBlocks } from './blocks.js';
import type { ProtectionSettings } from './settings.js';
import type { UsageTriggers } from './usage-triggers.js';

/**
 * The fraud guard: what every phone send passes before a provider is called (services/phone-delivery.ts), and what it
 * learns afterwards.
 *
 * `admit` refuses on the rules (country, blocked and high-risk prefixes, pumping blocks), then takes every limit the
 * send needs in one atomic `takeAll` — the user's own bucket, phone provider protection, the velocity rules, budget
 * caps, usage and traffic counters — all or none. `settle` gives everything back when nothing left Guardline, and
 * otherwise runs the detectors: a usage trigger crossed, a prefix whose traffic spikes or whose codes are not
 * verified (blocked, with an alert), a country whose sends or failures spike (an alert).
 */

export type GuardRefusal =
  | (RuleRefusal & { kind: 'rule' })
  /** the user's own bucket or phone provider protection: Auth0's "too many messages" for this user */
  | { kind: 'user_limit'; by: 'user' | 'backoff'; retryAfterMs: number; message: string }
  | { kind: 'velocity'; scope: VelocityScope; retryAfterMs: number; message: string }
  | { kind: 'budget'; metric: UsageMetric; period: UsagePeriod; country: string | null; message: string };

export interface SendTicket {
  tenant: Tenant;
  facts: SendFacts;
  settings: PhoneFraudSettings;
  takes: LimitTake[];
  labels: TakeLabel[];
  results: LimitResult[];
}

export type Admission = { ok: true; ticket: SendTicket } | { ok: false; refusal: GuardRefusal };

const VELOCITY_TEXT: Record<VelocityScope, string> = {
  per_number: 'Too many messages to this phone number',
  per_ip: 'Too many messages requested from this IP address',
  per_country: "Too many messages to this country for this tenant's velocity rules",
  per_prefix: 'Too many messages to numbers with this prefix',
  per_tenant: "Too many messages for this tenant's velocity rules",
};

const PERIOD_TEXT: Record<UsagePeriod, string> = { hour: 'hourly', day: 'daily', month: 'monthly' };

export function createFraudGuard(
  deps: Pick<ServiceDeps, 'limiter' | 'clock' | 'random'>,
  { protections, blocks, usageTriggers, events, prices, metrics }: { protections: ProtectionSettings; blocks: PrefixBlocks; usageTriggers: UsageTriggers; events: EventLog; prices: PriceTable; metrics: Metrics },
) {
  const { limiter, clock } = deps;
  const jitter = () => deps.random.bytes(2).readUInt16BE(0) / 65_536;

  /**
   * Verified codes are counted off the request path: added up here and written in one `takeAll` every second (by
   * the poller `guardline start` runs), when 100 prefixes are waiting, and before this node reads a baseline. The
   * completion rate is a ratio over hours, so a crash losing a second of verifications changes nothing that matters,
   * and the MFA exchange keeps its statements.
   */
  const pendingVerified = new Map<string, { key: string; windowEndsAt: number; count: number }>();
  async function flushVerified(): Promise<number> {
    if (pendingVerified.size === 0) return 0;
    const takes: LimitTake[] = [...pendingVerified.values()].map((v) => ({ kind: 'counter', name: TRAFFIC.verified, key: v.key, windowEndsAt: v.windowEndsAt, cost: v.count }));
    pendingVerified.clear();
    await limiter.takeAll(takes).catch(() => undefined);
    return takes.length;
  }
  const verifiedPoller = createPoller(flushVerified, 1_000);

  /** One alert per key and window across every node: the first to take the one-unit counter writes it. */
  async function alertOnce(key: string, windowEndsAt: number): Promise<boolean> {
    const taken = await limiter.takeAll([{ kind: 'counter', name: 'alert_once', key, windowEndsAt, cost: 1, limit: 1 }]);
    return taken.allowed;
  }

  function refusalOf(label: TakeLabel, result: LimitResult, facts: SendFacts): GuardRefusal {
    const retryAfterMs = 'retryAfterMs' in result ? result.retryAfterMs : Math.max(0, result.resetAt.getTime() - facts.now);
    switch (label.kind) {
      case 'user':
        return { kind: 'user_limit', by: 'user', retryAfterMs, message: 'Too many messages sent to this user' };
      case 'backoff_gate':
      case 'backoff_level':
        return { kind: 'user_limit', by: 'backoff', retryAfterMs, message: 'Phone provider protection: wait before another code is sent to this user' };
      case 'velocity':
        return { kind: 'velocity', scope: label.scope, retryAfterMs, message: VELOCITY_TEXT[label.scope] };
      case 'usage': {
        const what = label.metric === 'messages' ? 'message' : 'cost';
        return { kind: 'budget', metric: label.metric, period: label.period, country: label.country, message: `The ${PERIOD_TEXT[label.period]} phone ${what} budget${label.country ? ` for ${label.country}` : ''} of this tenant is used up.` };
      }
      case 'traffic':
        // traffic counters have no limit and cannot refuse
        throw new Error('a traffic counter refused');
    }
  }

  async function detectPumping(ticket: SendTicket, currentSlotSends: number, context: RequestContext): Promise<void> {
    const { tenant, facts, settings } = ticket;
    const pumping = settings.pumping_detection;
    if (!worthEvaluating(currentSlotSends, pumping)) return;
    await flushVerified();
    const slots = baselineSlots(trafficSlot(facts.now, pumping.window_minutes), pumping);
    const counters = await limiter.readCounters([
      ...slots.map((slot) => ({ name: TRAFFIC.sent, key: `${tenant.id}:${facts.prefix}:${slot}` })),
      ...slots.map((slot) => ({ name: TRAFFIC.verified, key: `${tenant.id}:${facts.prefix}:${slot}` })),
    ]);
    const verdict = pumpingVerdict({ sent: counters.slice(0, slots.length), verified: counters.slice(slots.length) }, pumping);
    if (verdict) await blocks.raise(tenant, facts.prefix, verdict, pumping.block_minutes, context);
  }

  /** A country whose sends (or failures) jump above their baseline: an alert, not a block (a country is too wide to block by itself). */
  async function detectCountrySpike(tenant: Tenant, settings: PhoneFraudSettings, country: string, counter: string, currentSlotSends: number, what: 'sends' | 'failures', context: RequestContext): Promise<void> {
    const pumping = settings.pumping_detection;
    if (!worthEvaluating(currentSlotSends, pumping)) return;
    const now = clock.now().getTime();
    const current = trafficSlot(now, pumping.window_minutes);
    const slots = baselineSlots(current, pumping);
    const sent = await limiter.readCounters(slots.map((slot) => ({ name: counter, key: `${tenant.id}:${country}:${slot}` })));
    const spike = spikeVerdict(sent, pumping);
    if (!spike) return;
    const windowEnds = (current + 1) * pumping.window_minutes * 60_000;
    if (!(await alertOnce(`${tenant.id}:${counter}:${country}:${current}`, windowEnds))) return;
    await events.record(
      tenant.id,
      {
        type: 'gl_fraud_alert',
        description: `Phone ${what} to ${country} spiked: ${spike.current} in ${pumping.window_minutes} minutes, ${spike.factor}× above the baseline (${spike.baseline_average} per window)`,
        details: { alert: what === 'sends' ? 'country_send_spike' : 'country_failure_spike', country, window_minutes: pumping.window_minutes, verdict: spike },
      },
      context,
    );
  }

  return {
    /**
     * `billed: false` for a message that costs nothing (the built-in provider filling the dev inbox, whose 100-message
     * cap bounds it anyway): the pumping detector does not count it, so development and tests never trip it.
     */
    async admit(input: { tenant: Tenant; userId: string; to: string; channel: MessageChannel; provider: string; billed: boolean; context: RequestContext }): Promise<Admission> {
      const { tenant, channel, to, context } = input;
      const [settings, blocked, protection, watched] = await Promise.all([protections.phoneFraud(tenant), blocks.active(tenant), protections.providerProtection(tenant), usageTriggers.watched(tenant)]);
      const parsed = parsePhoneNumber(to);
      const country = parsed.ok ? parsed.country : undefined;
      const prefix = prefixOf(to, settings.pumping_detection.prefix_digits);

      const rule = ruleRefusal(settings, channel, to, country, blocked);
      if (rule) {
        metrics.fraudRejected(rule.reason, channel);
        return { ok: false, refusal: { ...rule, kind: 'rule' } };
      }

      const now = clock.now().getTime();
      const facts: SendFacts = { tenantId: tenant.id, userId: input.userId, to, country, prefix, ip: context.ip, channel, costMicros: costMicros(prices, input.provider, channel, country), now };
      let backoff: { level: number; jitter: number } | undefined;
      if (protection.type === 'exponential') {
        const levels = await limiter.peek(BACKOFF_LEVELS, `${tenant.id}:${input.userId}`);
        backoff = { level: BACKOFF_LEVELS.burst - levels.remaining, jitter: jitter() };
      }
      const { takes, labels } = sendLimits(facts, { settings, userRule: PHONE_LIMITS.sends, backoff, watched, countTraffic: input.billed });
      const taken = await limiter.takeAll(takes);
      if (!taken.allowed) {
        const label = labels[taken.refused]!;
        const refusal = refusalOf(label, taken.refusal, facts);
        // the limiter counts every refused take by rule; fraud refusals are also counted by reason
        if (refusal.kind !== 'user_limit') metrics.fraudRejected(refusal.kind === 'velocity' ? `velocity_${refusal.scope}` : 'budget', channel);
        if (refusal.kind === 'budget') {
          const window = windowOf(refusal.period, now);
          if (await alertOnce(`${tenant.id}:budget:${refusal.metric}:${refusal.period}:${refusal.country ?? '*'}:${window.key}`, window.endsAt)) {
            await events.record(tenant.id, { type: 'gl_fraud_alert', description: `${refusal.message} Phone messages stop until ${new Date(window.endsAt).toISOString()}.`, details: { alert: 'budget_reached', metric: refusal.metric, period: refusal.period, country: refusal.country, window: window.key } }, context);
          }
        }
        return { ok: false, refusal };
      }
      return { ok: true, ticket: { tenant, facts, settings, takes, labels, results: taken.results } };
    },

    /**
     * After the send: `sent: false` (nothing left Guardline) gives every limit back; `sent: true` runs the detectors.
     * A detector's own failure (storage) is not the send's: the code went out, so it is swallowed here.
     */
    async settle(ticket: SendTicket, sent: boolean, context: RequestContext): Promise<void> {
      if (!sent) return limiter.refundAll(ticket.takes);
      try {
        for (const [i, label] of ticket.labels.entries()) {
          const result = ticket.results[i]! as { used?: number };
          if (result.used === undefined) continue;
          const take = ticket.takes[i]! as Extract<LimitTake, { kind: 'counter' }>;
          if (label.kind === 'usage') await usageTriggers.crossed(ticket.tenant, { metric: label.metric, period: label.period, country: label.country, windowKey: label.windowKey, before: result.used - take.cost, after: result.used }, context);
          else if (label.kind === 'traffic' && label.of === 'prefix') await detectPumping(ticket, result.used, context);
          else if (label.kind === 'traffic' && label.of === 'country' && ticket.facts.country) await detectCountrySpike(ticket.tenant, ticket.settings, ticket.facts.country, TRAFFIC.countrySent, result.used, 'sends', context);
        }
      } catch {
        // detectors run again with the next send
      }
    },

    /** A provider failed to deliver a code: counted per country, and a spike of failures raises an alert. */
    async providerFailed(tenant: Tenant, to: string, context: RequestContext): Promise<void> {
      try {
        const settings = await protections.phoneFraud(tenant);
        if (!settings.pumping_detection.enabled) return;
        const parsed = parsePhoneNumber(to);
        const country = (parsed.ok && parsed.country) || 'unknown';
        const now = clock.now().getTime();
        const slot = trafficSlot(now, settings.pumping_detection.window_minutes);
        const endsAt = (slot + 1) * settings.pumping_detection.window_minutes * 60_000 + settings.pumping_detection.baseline_hours * 3_600_000;
        const taken = await limiter.takeAll([{ kind: 'counter', name: 'traffic_country_failed', key: `${tenant.id}:${country}:${slot}`, windowEndsAt: endsAt, cost: 1 }]);
        if (taken.allowed) await detectCountrySpike(tenant, settings, country, 'traffic_country_failed', (taken.results[0] as { used: number }).used, 'failures', context);
      } catch {
        // as in settle
      }
    },

    /** A code sent to `to` was verified: the prefix's completion rate counts it. */
    async verified(tenant: Tenant, to: string): Promise<void> {
      const settings = await protections.phoneFraud(tenant);
      const pumping = settings.pumping_detection;
      if (!pumping.enabled) return;
      const now = clock.now().getTime();
      const slot = trafficSlot(now, pumping.window_minutes);
      const endsAt = (slot + 1) * pumping.window_minutes * 60_000 + pumping.baseline_hours * 3_600_000;
      const key = `${tenant.id}:${prefixOf(to, pumping.prefix_digits)}:${slot}`;
      const pending = pendingVerified.get(key);
      if (pending) pending.count++;
      else pendingVerified.set(key, { key, windowEndsAt: endsAt, count: 1 });
      if (pendingVerified.size >= 100) await flushVerified();
    },

    /** Writes the verified codes counted so far (the poller does it every second; `close` does it once more). */
    flushVerified,
    start: () => verifiedPoller.start(),
    async stop(): Promise<void> {
      await verifiedPoller.stop();
      await flushVerified();
    },
  };
}

export type FraudGuard = ReturnType<typeof createFraudGuard>;
