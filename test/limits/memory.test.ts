import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { createMemoryLimiter } from '../../src/limits/index.js';

describe('memory rate limiter', () => {
  it('drops buckets that are full again, so memory does not grow with keys seen long ago', async () => {
    const clock = new ManualClock();
    const limiter = createMemoryLimiter(clock);
    const rule = { name: 'sweep', burst: 5, refillEveryMs: 1000 };
    for (let i = 0; i < 5000; i++) await limiter.take(rule, `user:${i}`);
    expect(limiter.size).toBe(5000);

    clock.advance(1000); // every one of them is full again
    await limiter.take(rule, 'user:active', 3);
    for (let i = 0; i < 5000; i++) await limiter.peek(rule, 'user:idle');
    expect(limiter.size).toBe(1);
    expect((await limiter.peek(rule, 'user:active')).remaining).toBe(2);
    await limiter.close();
  });

  it('refuses calls after close', async () => {
    const limiter = createMemoryLimiter(new ManualClock());
    await limiter.close();
    await expect(limiter.take({ name: 'x', burst: 1, refillEveryMs: 1 }, 'k')).rejects.toThrow('closed');
  });
});
