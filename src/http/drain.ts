import type { FastifyRequest } from 'fastify';
import type { App } from './types.js';

/**
 * Graceful shutdown of a listening app: which requests are still running, and a close that lets them finish.
 *
 * Fastify's close() stops accepting, answers requests that arrive on an open keep-alive connection with 503, and
 * closes idle connections; but a connection whose request was running at that moment stays open after its
 * response (until the 72 s keep-alive timeout), and a handler whose client hung up keeps running after its socket is
 * gone. So: every response sent while draining says `Connection: close`, and the close also waits until no handler
 * is running, both bounded by `timeoutMs` (then the remaining connections are cut).
 */
export function drainable(app: App) {
  const running = new Set<FastifyRequest>();
  const aborted = new WeakSet<FastifyRequest>();
  let draining = false;
  let onIdle: (() => void) | undefined;
  const finished = (request: FastifyRequest) => {
    running.delete(request);
    if (running.size === 0) onIdle?.();
  };

  // A hung-up client never sees onResponse, so its request is done once it has both sent and lost its connection, in
  // whichever order the two arrive (an abort can land after the send, before the response finished). The response's
  // `close` is the signal: Fastify's onRequestAbort fires only for a request whose body had not fully arrived
  // (`req.aborted`), not for a client that hangs up while its handler runs.
  const sent = new WeakSet<FastifyRequest>();
  app.addHook('onRequest', async (request, reply) => {
    running.add(request);
    reply.raw.once('close', () => {
      aborted.add(request);
      if (sent.has(request)) finished(request);
    });
  });
  app.addHook('onRequestAbort', async (request) => {
    aborted.add(request);
    if (sent.has(request)) finished(request);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (draining) reply.header('connection', 'close');
    sent.add(request);
    if (aborted.has(request)) finished(request);
    return payload;
  });
  app.addHook('onResponse', async (request) => finished(request));

  return {
    get inFlight() {
      return running.size;
    },
    /** Stops accepting, waits for running requests (at most `timeoutMs`), then resolves: storage may close after it. */
    async close(timeoutMs: number): Promise<{ drained: boolean }> {
      draining = true;
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<false>((resolve) => {
        timer = setTimeout(() => {
          app.server.closeAllConnections();
          resolve(false);
        }, timeoutMs);
      });
      const idle = new Promise<true>((resolve) => {
        onIdle = () => resolve(true);
        if (running.size === 0) resolve(true);
      });
      try {
        const drained = await Promise.race([Promise.all([app.close(), idle]).then(() => true as const), deadline]);
        return { drained };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
