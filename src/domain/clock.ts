import { randomBytes, randomFillSync } from 'node:crypto';

/** Time comes through here so tests can drive expiry and refill. */
export interface Clock {
  now(): Date;
}

/** Randomness comes through here so tests can make identifiers predictable when they need to. */
export interface RandomSource {
  bytes(length: number): Buffer;
}

export const systemClock: Clock = { now: () => new Date() };
/**
 * The operating system's CSPRNG, drawn 4 KiB at a time: a request makes several ids and a code, and one
 * `randomFillSync` per few hundred of them costs far less than one per id (the profile of a challenge showed
 * it). Each caller gets its own copy, never a view of the pool; a request larger than the pool is served directly.
 */
const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let poolOffset = POOL_SIZE;
export const cryptoRandom: RandomSource = {
  bytes(length) {
    if (length > POOL_SIZE) return randomBytes(length);
    if (poolOffset + length > POOL_SIZE) {
      randomFillSync(pool);
      poolOffset = 0;
    }
    const out = Buffer.from(pool.subarray(poolOffset, poolOffset + length));
    // Bytes handed out are wiped from the pool, so a later reader of the pool could not learn them.
    pool.fill(0, poolOffset, poolOffset + length);
    poolOffset += length;
    return out;
  },
};

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
