/**
 * The pumping detector's verdicts, from traffic counters read per slot (oldest first, the current slot last). Pure.
 * Pumped numbers never type their codes back, real users nearly always do: the completion rate is what tells the
 * two apart, so volume alone never blocks (a tenant's launch in a new city is a spike too).
 *
 * - spike: the current slot holds at least `min_messages` sends, more than `spike_factor` times the average slot of
 *   the baseline before it, and fewer than `min_completion_rate` of this window's codes were verified (people type
 *   a code within a minute or two, so by the `min_messages`-th send most earlier ones of a real burst are back). A
 *   prefix never used before has a baseline of 0: its first `min_messages` unverified sends in one window are the
 *   most a burst gets through.
 * - low completion: over the baseline's finished slots (the current one is left out: its codes may still be typed),
 *   at least `min_messages` codes were sent and fewer than `min_completion_rate` of them were verified. This catches
 *   an attack paced below the spike threshold.
 */
import type { PumpingDetection } from './settings.js';

export interface PrefixTraffic {
  sent: readonly number[];
  verified: readonly number[];
}

export type PumpingVerdict =
  | { reason: 'spike'; current: number; baseline_average: number; factor: number }
  | { reason: 'low_completion'; sent: number; verified: number; completion_rate: number };

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/** Reading a baseline costs one query: it is done at the slot's 5th, 10th … send and at its `min_messages`-th. */
export const worthEvaluating = (currentSlotSends: number, settings: PumpingDetection): boolean =>
  currentSlotSends === settings.min_messages || (currentSlotSends > 0 && currentSlotSends % 5 === 0);

export function spikeVerdict(sent: readonly number[], settings: Pick<PumpingDetection, 'min_messages' | 'spike_factor'>): Extract<PumpingVerdict, { reason: 'spike' }> | undefined {
  const current = sent.at(-1) ?? 0;
  const before = sent.slice(0, -1);
  const average = before.length > 0 ? sum(before) / before.length : 0;
  if (current < settings.min_messages || current <= settings.spike_factor * average) return undefined;
  return { reason: 'spike', current, baseline_average: Math.round(average * 100) / 100, factor: settings.spike_factor };
}

export function pumpingVerdict(traffic: PrefixTraffic, settings: PumpingDetection): PumpingVerdict | undefined {
  const spike = spikeVerdict(traffic.sent, settings);
  const [sentNow, verifiedNow] = [traffic.sent.at(-1) ?? 0, traffic.verified.at(-1) ?? 0];
  if (spike && Math.min(verifiedNow, sentNow) / sentNow < settings.min_completion_rate) return spike;
  const sent = sum(traffic.sent.slice(0, -1));
  const verified = Math.min(sent, sum(traffic.verified.slice(0, -1)));
  if (sent >= settings.min_messages && verified / sent < settings.min_completion_rate) {
    return { reason: 'low_completion', sent, verified, completion_rate: Math.round((verified / sent) * 1000) / 1000 };
  }
  return undefined;
}

/** The slots a baseline covers, oldest first, ending with `current`. */
export function baselineSlots(current: number, settings: Pick<PumpingDetection, 'window_minutes' | 'baseline_hours'>): number[] {
  const count = Math.floor((settings.baseline_hours * 60) / settings.window_minutes);
  return Array.from({ length: count + 1 }, (_, i) => current - count + i);
}
