import { randomBytes } from 'node:crypto';

/** Time comes through here so tests can drive expiry and refill. */
export interface Clock {
  now(): Date;
}

/** Randomness comes through here so tests can make identifiers predictable when they need to. */
export interface RandomSource {
  bytes(length: number): Buffer;
}

export const systemClock: Clock = { now: () => new Date() };
export const cryptoRandom: RandomSource = { bytes: (length) => randomBytes(length) };

/** A clock a test moves by hand. */
export class ManualClock implements Clock {
  private current: number;
  constructor(start: Date | string = '2026-01-01T00:00:00.000Z') {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current += ms;
  }
}
