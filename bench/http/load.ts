/**
 * One measured scenario: autocannon (installed in the peer's folder, so Guardline's dependencies do not change)
 * against one or more servers at once, with the server's CPU and RSS from /proc and, in PostgreSQL mode, the CPU of
 * PostgreSQL and Redis (service-cpu.ts). Plus the small HTTP helpers the seeding uses.
 */
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ROOT, cpuMicros, rssMiB } from './processes.js';
import { followCpu, postgresOf, redisServer } from './service-cpu.js';

export const PEER_DIR = path.join(ROOT, 'bench/peer-better-auth');
export const DURATION = Number(process.env.BENCH_DURATION ?? 10);
export const CONNECTIONS = 50;

export interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: AutocannonRequest, context: Record<string, unknown>) => AutocannonRequest | null;
  onResponse?: (status: number, body: string, context: Record<string, unknown>, headers: Record<string, string>) => void;
}
interface AutocannonResult {
  requests: { total: number };
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;
let autocannonFn: Autocannon | undefined;
const autocannon = (): Autocannon => (autocannonFn ??= createRequire(path.join(PEER_DIR, 'package.json'))('autocannon') as Autocannon);

export interface Row {
  mode: string;
  scenario: string;
  side: 'guardline' | 'peer' | 'ceiling';
  variant: string;
  /** Guardline processes under load (2 in the two-node scenarios). */
  nodes: number;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  /** The server processes' CPU (summed over the nodes) per answered request. */
  cpuUsPerReq: number;
  /** PostgreSQL's and Redis's CPU per answered request (postgres mode; NaN otherwise). */
  pgCpuUsPerReq: number;
  redisCpuUsPerReq: number;
  /** Peak VmRSS of the largest server process. */
  rssMiB: number;
  unexpected: number;
  statuses: Record<string, number>;
  /** CLOCK_MONOTONIC µs (the clock of V8's .cpuprofile timestamps), so profile-top.mjs can cut one scenario out. */
  window: [number, number];
}

export const rows: Row[] = [];

export interface Target {
  url: string;
  pid: number;
}

/** What runs beside the server: the PostgreSQL database it uses (and Redis) when their CPU is to be counted. */
export interface Services {
  postgresDatabase?: string;
  redis?: boolean;
}

export interface Part {
  target: Target;
  requests: AutocannonRequest[];
  /** Single-use plans: stop after this many requests (below the plan's length, see below). */
  amount?: number;
  connections?: number;
}

type Meta = Pick<Row, 'mode' | 'scenario' | 'side' | 'variant'>;

/**
 * autocannon calls a request's setupRequest once more per connection than it sends, so every plan of single-use
 * items (mfa_tokens, oob_codes, OTPs) is sized with CONNECTIONS to spare: `amount` stays below the plan's length.
 *
 * One scenario on one server: autocannon against `target` with `requests` (a sequence per connection), for
 * DURATION seconds or `amount` requests, whichever comes first. Statuses outside `expected` are counted as failures.
 */
export function load(meta: Meta, target: Target, requests: AutocannonRequest[], expected: number[], amount?: number, services: Services = {}): Promise<Row> {
  return loadParts(meta, [{ target, requests, ...(amount !== undefined ? { amount } : {}) }], expected, services);
}

/** One scenario on several servers at once: an autocannon instance per part, all started together. */
export async function loadParts(meta: Meta, parts: Part[], expected: number[], services: Services = {}): Promise<Row> {
  for (const part of parts) {
    const connections = part.connections ?? CONNECTIONS;
    if (part.amount !== undefined && part.amount < connections) throw new Error(`${meta.scenario}: only ${part.amount} requests prepared; raise BENCH_USERS / BENCH_TOKENS`);
  }
  const pids = [...new Set(parts.map((p) => p.target.pid))];
  const peak = new Map(pids.map((pid) => [pid, rssMiB(pid)]));
  const sample = () => pids.forEach((pid) => peak.set(pid, Math.max(peak.get(pid)!, rssMiB(pid))));
  const sampler = setInterval(sample, 250);
  const pg = services.postgresDatabase ? followCpu(postgresOf(services.postgresDatabase)) : undefined;
  const redis = services.redis ? followCpu(redisServer) : undefined;
  const cpuBefore = pids.map(cpuMicros);
  const from = Number(process.hrtime.bigint() / 1000n);
  // autocannon notices that `amount` is reached only at its next one-second tick: the last answer, not the
  // promise, ends the measured time.
  let lastAnswer = from;
  const results = await Promise.all(parts.map((part) => {
    const timed = part.requests.map((request) => ({
      ...request,
      onResponse: (status: number, body: string, context: Record<string, unknown>, headers: Record<string, string>) => {
        lastAnswer = Number(process.hrtime.bigint() / 1000n);
        request.onResponse?.(status, body, context, headers);
      },
    }));
    return autocannon()({
      url: part.target.url,
      connections: part.connections ?? CONNECTIONS,
      duration: DURATION,
      ...(part.amount !== undefined ? { amount: part.amount } : {}),
      requests: timed,
    });
  }));
  const cpu = pids.reduce((sum, pid, i) => sum + cpuMicros(pid) - cpuBefore[i]!, 0);
  const pgCpu = pg?.stop() ?? NaN;
  const redisCpu = redis?.stop() ?? NaN;
  const to = lastAnswer;
  clearInterval(sampler);
  sample();
  const statuses: Record<string, number> = {};
  for (const result of results) for (const [code, s] of Object.entries(result.statusCodeStats)) statuses[code] = (statuses[code] ?? 0) + s.count;
  const answered = Object.values(statuses).reduce((a, b) => a + b, 0);
  const good = expected.reduce((sum, code) => sum + (statuses[String(code)] ?? 0), 0);
  // autocannon's `errors` already include its `timeouts`.
  const unexpected = answered - good + results.reduce((sum, r) => sum + r.errors, 0);
  // Percentiles of one part, or the worst part's when several ran (autocannon keeps no shared histogram).
  const row: Row = {
    ...meta,
    nodes: pids.length,
    requests: answered,
    rps: answered / ((to - from) / 1e6),
    p50: Math.max(...results.map((r) => r.latency.p50)),
    p99: Math.max(...results.map((r) => r.latency.p99)),
    cpuUsPerReq: answered ? cpu / answered : NaN,
    pgCpuUsPerReq: answered ? pgCpu / answered : NaN,
    redisCpuUsPerReq: answered ? redisCpu / answered : NaN,
    rssMiB: Math.max(...peak.values()),
    unexpected,
    statuses,
    window: [from, to],
  };
  rows.push(row);
  const fmt = (n: number) => (Number.isNaN(n) ? '' : n.toFixed(0));
  console.log(
    `  ${meta.side.padEnd(9)} ${(meta.scenario + (meta.variant ? ` (${meta.variant})` : '')).padEnd(34)} ${row.rps.toFixed(0).padStart(7)} req/s  p50 ${row.p50} ms  p99 ${row.p99} ms  ${row.cpuUsPerReq.toFixed(0)} µs CPU/req${services.postgresDatabase ? `  PG ${fmt(row.pgCpuUsPerReq)} µs  Redis ${fmt(row.redisCpuUsPerReq)} µs` : ''}  RSS ${row.rssMiB.toFixed(0)} MiB  statuses ${JSON.stringify(statuses)}${unexpected ? `  UNEXPECTED ${unexpected}` : ''}`,
  );
  if (unexpected > answered * 0.01) {
    throw new Error(`${meta.side} ${meta.scenario} (${meta.variant}): ${unexpected} of ${answered} responses were unexpected (> 1 %): ${JSON.stringify(statuses)}, errors/timeouts ${results.map((r) => `${r.errors}/${r.timeouts}`).join(', ')}`);
  }
  return row;
}

/**
 * The newest code each key (mfa_token, phone) was sent, kept only where the newest request issued for that key was
 * also answered: requests still in flight when a scenario stops did reach the server and superseded the code
 * before them, but their answers are never seen.
 */
export class Latest {
  private readonly issued = new Map<string, number>();
  private readonly answered = new Map<string, { seq: number; code: string }>();
  private seq = 0;
  issue(key: string): number {
    this.issued.set(key, ++this.seq);
    return this.seq;
  }
  answer(key: string, seq: number, code: string): void {
    this.answered.set(key, { seq, code });
  }
  entries(): Array<[string, string]> {
    return [...this.answered].filter(([key, a]) => this.issued.get(key) === a.seq).map(([key, a]) => [key, a.code]);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP helpers for seeding and for the exactness checks (outside any measurement).

export interface Answer {
  status: number;
  json: Record<string, unknown>;
}

/** Keeps connections open across seeding calls; any number of them at once (the exactness checks fire 150). */
const agent = new http.Agent({ keepAlive: true });
export const closeConnections = (): void => agent.destroy();

/**
 * One JSON request through node:http, not fetch: fetch drops a `host` header (a forbidden header name), and the
 * Host header is how Guardline picks the tenant. A kept-alive socket the server closed while it sat idle (a long
 * seed between two calls) fails on reuse before the server saw anything: that one case is retried, once.
 */
export function call(url: string, method: string, body: unknown, headers: Record<string, string> = {}, retried = false): Promise<Answer> {
  const payload = body !== undefined ? JSON.stringify(body) : undefined;
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, agent, headers: { 'content-type': 'application/json', ...(payload !== undefined ? { 'content-length': String(Buffer.byteLength(payload)) } : {}), ...headers } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        try {
          resolve({ status: response.statusCode ?? 0, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} });
        } catch {
          reject(new Error(`${method} ${url}: ${response.statusCode} with a body that is not JSON: ${text.slice(0, 200)}`));
        }
      });
      response.on('error', reject);
    });
    request.on('error', (err: NodeJS.ErrnoException) => {
      if (request.reusedSocket && !retried && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) resolve(call(url, method, body, headers, true));
      else reject(err);
    });
    request.end(payload);
  });
}

export async function expectStatus(label: string, promise: Promise<Answer>, status: number): Promise<Record<string, unknown>> {
  const response = await promise;
  if (response.status !== status) throw new Error(`${label}: expected ${status}, got ${response.status} ${JSON.stringify(response.json)}`);
  return response.json;
}

/** Runs `task(i)` for i < count, `concurrency` at a time. */
export async function inParallel(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) await task(next++);
  }));
}

export const json = { 'content-type': 'application/json' };
