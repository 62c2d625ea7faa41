import ivm from 'isolated-vm';
import { TRIGGER_HANDLERS, type ActionSandbox, type CacheWrite, type ExecutionErrorKind, type ExecutionRequest, type ExecutionResult, type FetchRecord, type SandboxLimits } from '../types.js';
import { guardedFetch, systemLookup, type GuardedRequest, type LookupAll } from './network.js';
import { redactOutput } from './output.js';
import { defineModule, PRELUDE, wrapTenantModule } from './prelude.js';

/**
 * Runs tenant actions in isolated-vm (the sandbox issue 11 asks for). One isolate per deployed version, kept warm in a
 * small LRU, with the runtime (prelude + bundled modules) and the tenant's code compiled once; each execution gets a
 * fresh context. The host only ever calls the async isolated-vm methods, so tenant code runs on isolated-vm's own
 * threads and never blocks the event loop. Two watchdogs bound a run: CPU time (`isolate.cpuTime`, polled) and wall
 * clock; either disposes the isolate, which is the only way to stop code that runs after an awaited host call. A
 * disposed (or memory-exhausted) isolate leaves the LRU and is rebuilt on the next run; other runs that shared it end
 * with the same error.
 */

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = {
  memoryMb: 32,
  cpuMs: 1_000,
  // Below the delivery chain's default 5 s budget, so a slow action ends as its own error, not as the chain's timeout.
  wallMs: 4_000,
  logBytes: 16 * 1024,
  fetchTimeoutMs: 3_000,
  fetchMaxResponseBytes: 256 * 1024,
  fetchMaxRequests: 10,
};

const CPU_POLL_MS = 10;

interface WarmIsolate {
  isolate: ivm.Isolate;
  runtime: ivm.Script;
  code: ivm.Script | { compileError: string };
  /** Why the isolate was disposed by a watchdog (so every run on it reports the right kind). */
  killedFor?: ExecutionErrorKind;
  /** Executions running on it now, and whether it has left the LRU (disposed when the last one ends). */
  active: number;
  retired: boolean;
}

/**
 * An isolate whose heap is past this share of its limit after a run is retired (rebuilt on the next run). Released
 * contexts are not always collected in time — isolated-vm keeps a little of each until the isolate goes — so a
 * warm isolate would otherwise creep towards its memory limit over a few hundred runs.
 */
const RETIRE_AT_HEAP_SHARE = 0.5;

export interface SandboxOptions {
  vettedModules: Readonly<Record<string, string>>;
  hostHelpers?: Readonly<Record<string, (...args: string[]) => string>>;
  lookup?: LookupAll;
  maxIsolates?: number;
}

export interface SandboxStats {
  /** Tenant scripts compiled since start (a warm run compiles nothing). */
  compilations: number;
  isolates: number;
}

export function createActionSandbox(options: SandboxOptions): ActionSandbox & { stats(): SandboxStats } {
  const { vettedModules, hostHelpers = {}, lookup = systemLookup, maxIsolates = 64 } = options;
  const warm = new Map<string, Promise<WarmIsolate>>();
  let compilations = 0;
  const runtimeSource = [PRELUDE, ...Object.entries(vettedModules).map(([name, source]) => defineModule(name, source))].join('\n');

  async function isolateFor(request: ExecutionRequest): Promise<WarmIsolate> {
    const key = `${request.versionKey}:${request.limits.memoryMb}`;
    const found = warm.get(key);
    if (found) {
      const entry = await found.catch(() => undefined);
      if (entry && !entry.isolate.isDisposed) {
        warm.delete(key);
        warm.set(key, found); // most recently used last
        return entry;
      }
      warm.delete(key);
    }
    const creating = (async (): Promise<WarmIsolate> => {
      const isolate = new ivm.Isolate({ memoryLimit: Math.max(8, request.limits.memoryMb) });
      const runtime = await isolate.compileScript(runtimeSource, { filename: 'guardline:runtime' });
      compilations++;
      const code = await isolate.compileScript(wrapTenantModule(request.code), { filename: 'action.js', lineOffset: -1 }).catch((err: Error) => ({ compileError: err.message }));
      return { isolate, runtime, code, active: 0, retired: false };
    })();
    warm.set(key, creating);
    while (warm.size > maxIsolates) {
      const [oldest, entry] = warm.entries().next().value as [string, Promise<WarmIsolate>];
      warm.delete(oldest);
      void entry.then((e) => e.isolate.isDisposed || e.isolate.dispose()).catch(() => undefined);
    }
    return creating;
  }

  async function execute(request: ExecutionRequest): Promise<ExecutionResult> {
    const startedAt = new Date();
    const began = performance.now();
    const { limits } = request;
    const logs: string[] = [];
    let logBytes = 0;
    let logsTruncated = false;
    const fetches: FetchRecord[] = [];
    const aborter = new AbortController();
    const result = (partial: Partial<ExecutionResult> & { ok: boolean }, cpuMs: number): ExecutionResult => ({
      cacheWrites: [],
      logs,
      logsTruncated,
      fetches,
      startedAt,
      durationMs: Math.round(performance.now() - began),
      cpuMs,
      ...partial,
    });
    const failed = (kind: ExecutionErrorKind, message: string, cpuMs = 0) => result({ ok: false, error: { kind, message } }, cpuMs);

    let entry: WarmIsolate;
    try {
      entry = await isolateFor(request);
    } catch (err) {
      return failed('invalid_code', `The action could not be prepared: ${(err as Error).message}`);
    }
    if ('compileError' in entry.code) return failed('invalid_code', `The code does not compile: ${entry.code.compileError}`);
    const { isolate } = entry;
    const key = `${request.versionKey}:${request.limits.memoryMb}`;
    entry.active++;
    const cpuAtStart = isolate.cpuTime;
    const cpuUsed = () => (isolate.isDisposed ? 0 : Math.round(Number(isolate.cpuTime - cpuAtStart) / 1e6));
    const kill = (kind: ExecutionErrorKind) => {
      if (isolate.isDisposed) return;
      entry.killedFor = kind;
      try {
        isolate.dispose();
      } catch {
        // already gone
      }
    };
    const wallTimer = setTimeout(() => kill('wall_time_exceeded'), limits.wallMs);
    const cpuTimer = setInterval(() => {
      if (!isolate.isDisposed && Number(isolate.cpuTime - cpuAtStart) / 1e6 > limits.cpuMs) kill('cpu_time_exceeded');
    }, CPU_POLL_MS);
    const deadline = performance.now() + limits.wallMs;

    let context: ivm.Context | undefined;
    try {
      context = await isolate.createContext();
      const global = context.global;
      await global.set(
        '_gl_log',
        new ivm.Callback(
          (level: unknown, text: unknown) => {
            if (logsTruncated) return;
            const line = redactOutput(`${String(level)}: ${String(text)}`, request.redact);
            const bytes = Buffer.byteLength(line);
            if (logBytes + bytes > limits.logBytes) {
              logsTruncated = true;
              const room = limits.logBytes - logBytes;
              if (room > 0) logs.push(Buffer.from(line).subarray(0, room).toString('utf8'));
              logBytes = limits.logBytes;
              return;
            }
            logBytes += bytes;
            logs.push(line);
          },
          { ignored: true },
        ),
      );
      // References, not Callbacks: the prelude calls them with `apply(…, {result: {promise: true}})`, which waits for
      // the host's promise without blocking the isolate.
      await global.set(
        '_gl_fetch',
        new ivm.Reference(
          async (raw: unknown): Promise<string> => {
            if (fetches.length >= limits.fetchMaxRequests) {
              fetches.push({ method: '?', url: '', error: 'too_many_requests', durationMs: 0 });
              return JSON.stringify({ error: `fetch refused: at most ${limits.fetchMaxRequests} requests per execution` });
            }
            const parsed = parseRequest(raw);
            if (!parsed) return JSON.stringify({ error: 'fetch refused: a malformed request' });
            const timeoutMs = Math.max(1, Math.min(limits.fetchTimeoutMs, deadline - performance.now()));
            const { answer, record } = await guardedFetch(parsed, { policy: request.network, timeoutMs, maxResponseBytes: limits.fetchMaxResponseBytes, lookup, signal: aborter.signal });
            // A path may carry the number or the code (`/sms/+8190…`): the record is masked like the logs.
            fetches.push({ ...record, url: redactOutput(record.url, request.redact) });
            return JSON.stringify(answer);
          },
        ),
      );
      await global.set(
        '_gl_sleep',
        // A timer due after the wall limit fires only after the watchdog has ended the run (it never shortens a wait).
        new ivm.Reference((ms: unknown) => new Promise<void>((resolve) => setTimeout(resolve, Math.min(Math.max(0, Number(ms) || 0), Math.max(0, deadline - performance.now()) + 1_000)))),
      );
      await global.set(
        '_gl_helper',
        new ivm.Callback(
          (name: unknown, argsJson: unknown) => {
            const fn = typeof name === 'string' && Object.hasOwn(hostHelpers, name) ? hostHelpers[name] : undefined;
            if (!fn) throw new Error(`no host helper ${String(name)}`);
            const args = JSON.parse(String(argsJson)) as unknown;
            if (!Array.isArray(args) || args.some((a) => typeof a !== 'string')) throw new Error('host helpers take strings');
            return fn(...(args as string[]));
          },
          { sync: true },
        ),
      );
      const budget = () => Math.max(1, Math.floor(Math.min(limits.cpuMs, deadline - performance.now())));
      await entry.runtime.run(context, { timeout: budget() });
      await entry.code.run(context, { timeout: budget() });
      const runOptions = JSON.stringify({ trigger: request.trigger, now: Date.now(), vendorBaseUrls: request.vendorBaseUrls, helpers: Object.keys(hostHelpers) });
      const raw: unknown = await context.evalClosure(
        'return __guardline_run($0, $1, $2, $3);',
        [TRIGGER_HANDLERS[request.trigger], JSON.stringify(request.event), JSON.stringify(request.cache), runOptions],
        { arguments: { copy: true }, result: { promise: true, copy: true }, timeout: budget() },
      );
      const outcome = parseOutcome(raw);
      if (!outcome) return failed('exception', 'The action returned something Guardline could not read.', cpuUsed());
      return result({ ok: outcome.ok, ...(outcome.error ? { error: { kind: outcome.error.kind, message: redactOutput(outcome.error.message, request.redact) } } : {}), ...(outcome.notification ? { notification: outcome.notification } : {}), cacheWrites: outcome.cacheWrites }, cpuUsed());
    } catch (err) {
      const message = (err as Error)?.message ?? String(err);
      if (entry.killedFor === 'wall_time_exceeded') return failed('wall_time_exceeded', `The action ran for more than ${limits.wallMs} ms.`);
      if (entry.killedFor === 'cpu_time_exceeded') return failed('cpu_time_exceeded', `The action used more than ${limits.cpuMs} ms of CPU time.`);
      if (/memory limit/i.test(message) || (isolate.isDisposed && !entry.killedFor)) return failed('memory_exceeded', `The action used more than ${limits.memoryMb} MB of memory.`);
      if (/timed out/i.test(message)) {
        kill('cpu_time_exceeded');
        return failed('cpu_time_exceeded', `The action used more than ${limits.cpuMs} ms of CPU time.`);
      }
      return failed('exception', redactOutput(message, request.redact).slice(0, 2048), cpuUsed());
    } finally {
      clearTimeout(wallTimer);
      clearInterval(cpuTimer);
      aborter.abort();
      try {
        context?.release();
      } catch {
        // the isolate is gone
      }
      entry.active--;
      await retireIfFull(key, entry, request.limits.memoryMb);
    }
  }

  async function retireIfFull(key: string, entry: WarmIsolate, memoryMb: number): Promise<void> {
    if (!entry.retired && !entry.isolate.isDisposed) {
      const heap = await entry.isolate.getHeapStatistics().catch(() => undefined);
      if (heap && heap.used_heap_size > memoryMb * 1024 * 1024 * RETIRE_AT_HEAP_SHARE) {
        entry.retired = true;
        const current = warm.get(key);
        if (current && (await current.catch(() => undefined)) === entry) warm.delete(key);
      }
    }
    if (entry.retired && entry.active === 0 && !entry.isolate.isDisposed) entry.isolate.dispose();
  }

  return {
    execute,
    stats: () => ({ compilations, isolates: warm.size }),
    async close() {
      const entries = [...warm.values()];
      warm.clear();
      for (const entry of await Promise.allSettled(entries)) if (entry.status === 'fulfilled' && !entry.value.isolate.isDisposed) entry.value.isolate.dispose();
    },
  };
}

function parseRequest(raw: unknown): GuardedRequest | undefined {
  try {
    const value = JSON.parse(String(raw)) as Partial<GuardedRequest>;
    if (typeof value.url !== 'string' || typeof value.method !== 'string' || (value.body !== null && typeof value.body !== 'string')) return undefined;
    const headers: Record<string, string> = {};
    for (const [name, v] of Object.entries(value.headers ?? {})) if (typeof v === 'string' && /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) && !/[\r\n]/.test(v)) headers[name] = v;
    return { url: value.url, method: value.method, headers, body: value.body ?? null };
  } catch {
    return undefined;
  }
}

const ERROR_KINDS = new Set<ExecutionErrorKind>(['invalid_code', 'exception', 'wall_time_exceeded', 'cpu_time_exceeded', 'memory_exceeded', 'module_not_found']);

/** The run's JSON, checked field by field: it comes from tenant-controlled memory. */
function parseOutcome(raw: unknown): { ok: boolean; error?: { kind: ExecutionErrorKind; message: string }; notification?: ExecutionResult['notification']; cacheWrites: CacheWrite[] } | undefined {
  if (typeof raw !== 'string' || raw.length > 4 * 1024 * 1024) return undefined;
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof value.ok !== 'boolean') return undefined;
  const error = value.error as { kind?: unknown; message?: unknown } | null;
  const kind = error && ERROR_KINDS.has(error.kind as ExecutionErrorKind) ? (error.kind as ExecutionErrorKind) : 'exception';
  const note = value.notification as { action?: unknown; reason?: unknown } | null;
  const notification = note && (note.action === 'drop' || note.action === 'retry') ? { action: note.action as 'drop' | 'retry', reason: String(note.reason ?? '').slice(0, 1024) } : undefined;
  const writes: CacheWrite[] = [];
  for (const w of Array.isArray(value.cacheWrites) ? (value.cacheWrites as Array<Record<string, unknown>>).slice(0, 1000) : []) {
    if (w.op === 'delete' && typeof w.key === 'string') writes.push({ op: 'delete', key: w.key.slice(0, 256) });
    else if (w.op === 'set' && typeof w.key === 'string' && typeof w.value === 'string' && typeof w.expires_at === 'number' && Number.isFinite(w.expires_at)) {
      writes.push({ op: 'set', key: w.key.slice(0, 256), value: w.value.slice(0, 8192), expires_at: w.expires_at });
    }
  }
  return { ok: value.ok, ...(value.ok ? {} : { error: { kind, message: String(error?.message ?? 'The action failed.') } }), ...(notification ? { notification } : {}), cacheWrites: writes };
}
