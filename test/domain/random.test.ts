import { describe, expect, it } from 'vitest';
import { cryptoRandom } from '../../src/domain/clock.js';

describe('cryptoRandom (pooled CSPRNG)', () => {
  it('returns the length asked, across pool refills and beyond the pool size', () => {
    for (const length of [0, 1, 16, 32, 4095, 4096, 4097, 10_000]) expect(cryptoRandom.bytes(length)).toHaveLength(length);
  });

  it('never repeats itself and hands out copies, not views of its pool', () => {
    const seen = new Set<string>();
    const buffers: Buffer[] = [];
    for (let i = 0; i < 2_000; i++) {
      const bytes = cryptoRandom.bytes(16); // 2 000 × 16 bytes: several refills of the 4 KiB pool
      seen.add(bytes.toString('hex'));
      buffers.push(bytes);
    }
    expect(seen.size).toBe(2_000);
    const first = Buffer.from(buffers[0]!);
    for (let i = 0; i < 1_000; i++) cryptoRandom.bytes(32);
    expect(buffers[0]).toEqual(first); // a view of the pool would have been wiped and refilled by now
  });

  it('is not all zeros (the pool is filled before it is read)', () => {
    expect(cryptoRandom.bytes(64).some((byte) => byte !== 0)).toBe(true);
  });
});
