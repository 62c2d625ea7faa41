/**
 * A background poll of durable work (action retries, webhook deliveries, log-stream batches): `runOnce` every
 * `intervalMs`, never two at once on this node, started by `guardline start` and stopped (waiting for the poll in
 * progress) by `services.close()`. A failed poll is dropped: the work stays in the database for the next one.
 * Hand-written: a timer and a promise; a job library would bring its own storage, and the work already has one.
 */
export function createPoller(runOnce: () => Promise<number>, defaultIntervalMs: number) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  return {
    start(intervalMs = defaultIntervalMs): void {
      if (timer) return;
      timer = setInterval(() => {
        if (running) return;
        running = runOnce()
          .catch(() => 0)
          .finally(() => (running = undefined));
      }, intervalMs);
      timer.unref();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
