import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SinkRequest {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

/** A log stream sink on loopback: records every request, and answers what `answer()` says (200 by default). */
export async function startSink() {
  const requests: SinkRequest[] = [];
  let answer: () => number = () => 200;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = answer();
      requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
      res.statusCode = status;
      res.end(status < 300 ? 'ok' : 'failing');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/ingest`,
    requests,
    answer(fn: () => number) {
      answer = fn;
    },
    /** The records of the accepted (2xx) requests, in arrival order, parsed per format. */
    accepted(format: 'JSONARRAY' | 'JSONLINES' | 'JSONOBJECT'): Array<{ log_id: string; data: Record<string, unknown> }> {
      return requests
        .filter((r) => r.status < 300)
        .flatMap((r) => (format === 'JSONARRAY' ? JSON.parse(r.body) : format === 'JSONLINES' ? r.body.split('\n').map((l) => JSON.parse(l)) : [JSON.parse(r.body)]));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type Sink = Awaited<ReturnType<typeof startSink>>;
