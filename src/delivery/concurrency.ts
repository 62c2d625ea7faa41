/**
 * Bounded concurrency per key on this node (a provider configuration): at most `limit` sends in flight. A send over
 * the limit is refused at once instead of queueing, so a provider that hangs holds at most `limit` requests of its
 * own tenant and nobody else waits for it. Hand-written: a counter per key is all it takes.
 */
export interface SlotPool {
  /** A release function, or undefined when `key` already has `limit` sends in flight. */
  tryAcquire(key: string): (() => void) | undefined;
  inFlight(key: string): number;
}

export function createSlotPool(limit: number): SlotPool {
  const counts = new Map<string, number>();
  return {
    tryAcquire(key) {
      const current = counts.get(key) ?? 0;
      if (current >= limit) return undefined;
      counts.set(key, current + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (counts.get(key) ?? 1) - 1;
        if (left <= 0) counts.delete(key);
        else counts.set(key, left);
      };
    },
    inFlight: (key) => counts.get(key) ?? 0,
  };
}
