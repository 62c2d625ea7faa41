import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { drainable } from '../../src/http/drain.js';
import type { App } from '../../src/http/types.js';

/** The shutdown drain on a listening app whose one route waits for the test to let it finish. */
async function slowApp() {
  const app = Fastify() as unknown as App;
  const drain = drainable(app);
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  let entered: () => void = () => {};
  const inHandler = new Promise<void>((resolve) => (entered = resolve));
  let handlerFinished = false;
  app.get('/slow', async () => {
    entered();
    await gate;
    handlerFinished = true;
    return { ok: true };
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/slow`;
  return { app, drain, url, release, inHandler, finished: () => handlerFinished };
}

const ticks = async (n = 20) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

describe('shutdown drain', () => {
  it('waits for a running handler, even one whose client hung up, and answers it with Connection: close', async () => {
    const kept = await slowApp();
    const answered = fetch(kept.url);
    await kept.inHandler;
    let closed = false;
    const closing = kept.drain.close(10_000).then((r) => ((closed = true), r));
    await ticks();
    expect(closed).toBe(false);
    kept.release();
    const response = await answered;
    expect(response.status).toBe(200);
    expect(response.headers.get('connection')).toBe('close');
    expect(await closing).toEqual({ drained: true });

    const abandoned = await slowApp();
    const hangUp = new AbortController();
    const request = fetch(abandoned.url, { signal: hangUp.signal }).catch(() => 'hung up');
    await abandoned.inHandler;
    hangUp.abort();
    expect(await request).toBe('hung up');
    let done = false;
    const closingAbandoned = abandoned.drain.close(10_000).then((r) => ((done = true), r));
    await ticks();
    expect([done, abandoned.drain.inFlight]).toEqual([false, 1]);
    abandoned.release();
    expect(await closingAbandoned).toEqual({ drained: true });
    expect(abandoned.finished()).toBe(true);
  });

  it('gives up after the timeout: connections are cut and the caller is told it did not drain', async () => {
    const stuck = await slowApp();
    const request = fetch(stuck.url).catch(() => 'cut');
    await stuck.inHandler;
    expect(await stuck.drain.close(200)).toEqual({ drained: false });
    expect(await request).toBe('cut');
    stuck.release();
  });
});
