/**
 * The price table that turns a message into an estimated cost, from configuration (`GUARDLINE_PHONE_PRICES`): per
 * provider (or `default`) and channel, one price or one per ISO country with a `default`. Costs are counted in
 * millionths of the currency unit, so budget counters stay integers.
 */
import type { MessageChannel } from '../message-templates.js';

export type ChannelPrice = number | Record<string, number>;
export type PriceTable = Record<string, Partial<Record<MessageChannel, ChannelPrice>>>;

export const MICROS_PER_UNIT = 1_000_000;

/**
 * A placeholder estimate, deliberately on the high side of what an SMS or a short call costs in most countries, so a
 * cost cap set without a price table stops early rather than late. Operators set their contract's prices.
 */
export const DEFAULT_PRICES: PriceTable = { default: { sms: 0.05, voice: 0.1 } };

function lookup(price: ChannelPrice | undefined, country: string | undefined): number | undefined {
  if (price === undefined || typeof price === 'number') return price;
  return (country !== undefined ? price[country] : undefined) ?? price.default;
}

/** Estimated cost of one message in micro-units: the provider's row first, then `default`, then DEFAULT_PRICES. */
export function costMicros(table: PriceTable, provider: string, channel: MessageChannel, country: string | undefined): number {
  const price = lookup(table[provider]?.[channel], country) ?? lookup(table.default?.[channel], country) ?? lookup(DEFAULT_PRICES.default![channel], country) ?? 0;
  return Math.round(price * MICROS_PER_UNIT);
}

/** Checks a table read from configuration; the message says what is wrong, for the start-up error. */
export function priceTableProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'must be a JSON object of providers';
  for (const [provider, channels] of Object.entries(value as Record<string, unknown>)) {
    if (channels === null || typeof channels !== 'object' || Array.isArray(channels)) return `${provider}: must be an object with "sms" and/or "voice"`;
    for (const [channel, price] of Object.entries(channels as Record<string, unknown>)) {
      if (channel !== 'sms' && channel !== 'voice') return `${provider}.${channel}: only "sms" and "voice" have prices`;
      const prices = typeof price === 'number' ? [price] : price !== null && typeof price === 'object' && !Array.isArray(price) ? Object.values(price) : [NaN];
      if (prices.some((p) => typeof p !== 'number' || !Number.isFinite(p) || p < 0 || p > 1_000)) return `${provider}.${channel}: a price is a number from 0 to 1000, or an object of them by ISO country with "default"`;
    }
  }
  return undefined;
}
