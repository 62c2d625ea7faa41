import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { startServer } from '../../src/runtime.js';
import { startSink } from './sink.js';

describe('guardline start runs the log stream worker', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gl-streams-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('an event reaches the sink without anyone calling the worker', async () => {
    const sink = await startSink();
    const server = await startServer(loadConfig({ GUARDLINE_DATA_DIR: dir, GUARDLINE_PORT: '0', GUARDLINE_LOG_LEVEL: 'silent', GUARDLINE_LOG_STREAMS_ALLOW_HTTP: 'true' }, dir));
    try {
      const { services } = server.guardline;
      const tenant = server.bootstrap.tenant;
      await services.logStreams.streams.create(tenant, { name: 'live', type: 'http', sink: { httpEndpoint: sink.url, httpContentFormat: 'JSONARRAY' } });
      const [id] = await services.events.recordAll(tenant.id, [{ type: 's', description: 'live event' }]);
      const deadline = Date.now() + 10_000;
      while (!sink.accepted('JSONARRAY').some((r) => r.log_id === id)) {
        if (Date.now() > deadline) throw new Error('the worker did not deliver the event');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await server.close(); // services.close() stops the worker before storage closes
    }
    await sink.close();
  });
});
