import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * The one small server every integrated-provider fake stands on: a loopback node:http server (127.0.0.1, port 0)
 * that records each request and hands it to the vendor's strict handler, unless it was told to fail first.
 * Failure modes, each for the next `count` requests:
 * - `{ kind: 'reply', reply }`: answer with a given vendor error (the vendor fake builds its real body);
 * - `'http500'`: the vendor's own 5xx answer;
 * - `'failed-status'`: the vendor's 2xx answer carrying a failed message status;
 * - `'hang'`: never answer (the socket stays open until the client gives up or the fake closes);
 * - `{ kind: 'slow', ms }`: answer normally after `ms` milliseconds;
 * - `'close'`: drop the connection without an answer.
 */

export interface FakeRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface FakeReply {
  status: number;
  body: string;
  contentType: string;
}

export type FakeFailure = 'http500' | 'failed-status' | 'hang' | 'close' | { kind: 'reply'; reply: FakeReply } | { kind: 'slow'; ms: number };

export interface VendorFake {
  /** Origin to use as the provider's base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Every request that reached the fake, with the status it got (`0`: dropped or never answered). */
  readonly requests: Array<FakeRequest & { answered: number }>;
  failNext(failure: FakeFailure, count?: number): void;
  /** Resolves once `count` requests in all have reached the fake. */
  receivedRequests(count: number): Promise<void>;
  close(): Promise<void>;
}

export interface VendorBehaviour {
  handle(request: FakeRequest): FakeReply;
  serverError(request: FakeRequest): FakeReply;
  failedStatus(request: FakeRequest): FakeReply;
}

export const json = (status: number, payload: unknown): FakeReply => ({ status, body: JSON.stringify(payload), contentType: 'application/json; charset=utf-8' });
export const xml = (status: number, body: string): FakeReply => ({ status, body, contentType: 'text/xml; charset=utf-8' });

/** Parses a form body strictly: a parameter given twice is an error, as is a body that is not a form. */
export function strictForm(request: FakeRequest): Map<string, string> | string {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') return `Content-Type must be application/x-www-form-urlencoded (got ${JSON.stringify(type)})`;
  const form = new Map<string, string>();
  for (const [key, value] of new URLSearchParams(request.body)) {
    if (form.has(key)) return `Parameter ${key} was given more than once`;
    form.set(key, value);
  }
  return form;
}

/** Parses a JSON body, or says why it is not one. */
export function strictJson(request: FakeRequest): unknown {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') return undefined;
  try {
    return JSON.parse(request.body) as unknown;
  } catch {
    return undefined;
  }
}

/** `user:password` of a Basic header, or undefined. */
export function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Destinations the fakes treat as unroutable: +999 is not an assigned country code. */
export const UNROUTABLE_PREFIX = '+999';

export async function startVendorFake(behaviour: VendorBehaviour): Promise<VendorFake> {
  const requests: VendorFake['requests'] = [];
  const failures: FakeFailure[] = [];
  const sockets = new Set<Socket>();
  const waiters: Array<{ count: number; resolve: () => void }> = [];

  function reply(response: ServerResponse, record: VendorFake['requests'][number], answer: FakeReply) {
    record.answered = answer.status;
    response.writeHead(answer.status, { 'content-type': answer.contentType, 'content-length': Buffer.byteLength(answer.body) });
    response.end(answer.body);
  }

  function handle(request: IncomingMessage, response: ServerResponse, body: string) {
    const fake: FakeRequest = { method: request.method ?? '', path: request.url ?? '', headers: request.headers, body };
    const record = { ...fake, answered: 0 };
    requests.push(record);
    for (const waiter of waiters.filter((w) => requests.length >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    const failure = failures.shift();
    if (failure === 'hang') return;
    if (failure === 'close') return void request.socket.destroy();
    if (failure === 'http500') return reply(response, record, behaviour.serverError(fake));
    if (failure === 'failed-status') return reply(response, record, behaviour.failedStatus(fake));
    if (typeof failure === 'object' && failure.kind === 'reply') return reply(response, record, failure.reply);
    if (typeof failure === 'object' && failure.kind === 'slow') {
      const timer = setTimeout(() => reply(response, record, behaviour.handle(fake)), failure.ms);
      response.on('close', () => clearTimeout(timer));
      return;
    }
    reply(response, record, behaviour.handle(fake));
  }

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handle(request, response, Buffer.concat(chunks).toString('utf8')));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext(failure, count = 1) {
      for (let i = 0; i < count; i++) failures.push(failure);
    },
    receivedRequests(count) {
      if (requests.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
