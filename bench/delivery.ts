/**
 * `npm run bench:delivery`: what the delivery path costs, in one short run (~1 min), printed as a table and written
 * to bench/delivery-results.json (git-ignored). Not part of `npm test`: these are measurements, not assertions —
 * except that every figure must come from sends that went the way the scenario says (a send that did not is a FAIL
 * and the run exits non-zero).
 *
 * 1. Per provider: N sequential sends through each registry definition's `create(config, runtime).send()` against
 *    its strict loopback fake (test/support/fakes/), next to a baseline measured in the same run: a bare `fetch`
 *    POST to a node:http server answering `{}` (the floor of one HTTP round trip). Ratios to the baseline are the
 *    figures to compare: the machine is shared, absolute milliseconds move with the neighbours' load.
 * 2. A failover hop: the real delivery service (`phoneDelivery.sendCode`: send bucket, template, chain, breaker,
 *    ledger rows, events; SQLite in memory) for a tenant whose chain is [A, B], with A delivering, A answering 503,
 *    A's port refusing connections, and A hanging until the chain's budget aborts it. The extra ms of one hop is
 *    (A fails → B) − (A delivers).
 *
 * Everything runs in this process (the fakes too), so "CPU µs/send" is client and fake together; the baseline's
 * server is in-process as well, so the ratio compares like with like apart from the fake's own strictness.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SecretBox } from '../src/crypto/secret-box.js';
import { DELIVERY_DEFAULTS } from '../src/config/load.js';
import type { ProviderDefinition, ProviderInstance, ProviderMessage } from '../src/delivery/kit.js';
import { amazonSns } from '../src/delivery/providers/amazon-sns.js';
import { clicksend } from '../src/delivery/providers/clicksend.js';
import { esendex } from '../src/delivery/providers/esendex.js';
import { infobip } from '../src/delivery/providers/infobip.js';
import { mitto } from '../src/delivery/providers/mitto.js';
import { telesign } from '../src/delivery/providers/telesign.js';
import { twilioProvider } from '../src/delivery/providers/twilio.js';
import { vonage } from '../src/delivery/providers/vonage.js';
import { shippedProviders } from '../src/delivery/registry.js';
import { cryptoRandom, ManualClock } from '../src/domain/clock.js';
import { defaultTemplate } from '../src/domain/default-templates.js';
import { renderMessage } from '../src/domain/message-templates.js';
import { createSqlLimiter } from '../src/limits/index.js';
import { bootstrap } from '../src/services/bootstrap.js';
import { parsePhoneNumber } from '../src/domain/phone-number.js';
import { buildServices, type Services } from '../src/services/index.js';
import type { Tenant } from '../src/services/tenants.js';
import { migrateToLatest, openDatabase } from '../src/store/database.js';
import { createStore } from '../src/store/store.js';
import { SNS_ACCESS_KEY_ID, SNS_REGION, SNS_SECRET_ACCESS_KEY, startFakeSns } from '../test/support/fakes/amazon-sns.js';
import { CLICKSEND_API_KEY, CLICKSEND_USERNAME, startFakeClickSend } from '../test/support/fakes/clicksend.js';
import { ESENDEX_ACCOUNT, ESENDEX_PASSWORD, ESENDEX_USERNAME, startFakeEsendex } from '../test/support/fakes/esendex.js';
import { FAKE_API_KEY, fakeSmsProvider, startFakeSmsApi } from '../test/support/fakes/fake-sms-provider.js';
import { INFOBIP_API_KEY, startFakeInfobip } from '../test/support/fakes/infobip.js';
import { MITTO_API_KEY, startFakeMitto } from '../test/support/fakes/mitto.js';
import { startFakeTelesign, TELESIGN_API_KEY, TELESIGN_CUSTOMER_ID } from '../test/support/fakes/telesign.js';
import { FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN, FAKE_FROM, startFakeTwilio } from '../test/support/fakes/twilio-api.js';
import { startFakeVonage, VONAGE_API_KEY, VONAGE_API_SECRET } from '../test/support/fakes/vonage.js';

const SENDS = positive('BENCH_DELIVERY_SENDS', 300);
const CHAIN_SENDS = positive('BENCH_DELIVERY_CHAIN_SENDS', 300);
const HANG_SENDS = positive('BENCH_DELIVERY_HANG_SENDS', 10);
const BUDGET_MS = positive('BENCH_DELIVERY_BUDGET_MS', 1000);
const WARMUP = 30;
/** Rounds the cases of one table are interleaved in (measureInterleaved). */
const ROUNDS = 10;
const RESULTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'delivery-results.json');

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer (got ${JSON.stringify(raw)})`);
  return value;
}

/** Failures found while measuring; any of them fails the run (after the table is printed). */
const failures: string[] = [];
const check = (ok: boolean, what: string) => {
  if (!ok) failures.push(what);
};

interface Stats {
  sends: number;
  p50: number;
  p99: number;
  mean: number;
  cpuMicros: number;
}

function quantile(sorted: number[], q: number): number {
  // Nearest rank: the smallest sample with at least q of the samples at or below it.
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** One thing to measure: `op` run `count` times (its index, or a negative one during the warm-up). */
interface Measured {
  count: number;
  warmup: number;
  op(i: number): Promise<void>;
}

/**
 * Runs every case sequentially, interleaved in `ROUNDS` rounds (a slice of each case per round) after each case's
 * warm-up, so that the JIT warming up and the neighbours' load spread over all rows of a table instead of
 * favouring the cases measured last. Latency per op; CPU (this process's user + system) per op over its slices.
 */
async function measureInterleaved(cases: readonly Measured[]): Promise<Stats[]> {
  for (const c of cases) for (let i = 0; i < c.warmup; i++) await c.op(-1 - i);
  const samples = cases.map(() => [] as number[]);
  const cpuMicros = cases.map(() => 0);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, c] of cases.entries()) {
      const slice = Math.ceil(c.count / ROUNDS);
      const from = samples[index]!.length;
      const to = Math.min(c.count, from + slice);
      const cpu = process.cpuUsage();
      for (let i = from; i < to; i++) {
        const began = performance.now();
        await c.op(i);
        samples[index]!.push(performance.now() - began);
      }
      const used = process.cpuUsage(cpu);
      cpuMicros[index]! += used.user + used.system;
    }
  }
  return cases.map((c, index) => {
    const sorted = [...samples[index]!].sort((a, b) => a - b);
    return { sends: c.count, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), mean: sorted.reduce((a, b) => a + b, 0) / c.count, cpuMicros: cpuMicros[index]! / c.count };
  });
}

const listen = (server: Server) => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

function otpMessage(overrides: Partial<ProviderMessage> = {}): ProviderMessage {
  return {
    tenant: { id: 'tn_bench', friendlyName: 'Bench' },
    user: { id: 'auth0|bench', name: 'bench@example.com' },
    client: { id: 'client1', name: 'App' },
    request: { ip: '203.0.113.7', language: 'en', userAgent: 'bench', hostname: 'login.example.com' },
    purpose: 'verification',
    channel: 'sms',
    to: '+447700900123',
    code: '482913',
    text: '482913 is your verification code for Bench.',
    locale: 'en',
    statusCallbackUrl: undefined,
    ...overrides,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Per provider, through its fake
// ---------------------------------------------------------------------------------------------------------------

interface ProviderRow extends Stats {
  name: string;
  /** p50 and CPU per send as multiples of the baseline's. */
  p50Ratio: number;
  cpuRatio: number;
}

/** A fake as the bench needs it: its URL, how many requests it answered with a 2xx, and how to stop it. */
interface BenchFake {
  url: string;
  answered(): { total: number; ok: number };
  close(): Promise<unknown>;
}

interface ProviderCase {
  name: string;
  definition: ProviderDefinition;
  config: Record<string, unknown>;
  message: ProviderMessage;
  start(): Promise<BenchFake>;
}

const vendorFake = async (start: () => Promise<{ url: string; requests: Array<{ answered: number }>; close(): Promise<void> }>): Promise<BenchFake> => {
  const fake = await start();
  return { url: fake.url, answered: () => ({ total: fake.requests.length, ok: fake.requests.filter((r) => r.answered >= 200 && r.answered < 300).length }), close: () => fake.close() };
};

async function providerCases(): Promise<ProviderCase[]> {
  const voiceScript = await renderMessage({ source: defaultTemplate('verification', 'voice', 'en'), channel: 'voice', code: '482913', locale: 'en', tenantFriendlyName: 'Bench' });
  const twilioFake = async (): Promise<BenchFake> => {
    const fake = await startFakeTwilio();
    return { url: fake.url, answered: () => ({ total: fake.requests.length, ok: fake.requests.filter((r) => r.status >= 200 && r.status < 300).length }), close: () => fake.close() };
  };
  const twilioConfig = { sid: FAKE_ACCOUNT_SID, auth_token: FAKE_AUTH_TOKEN, from: FAKE_FROM };
  return [
    { name: 'twilio (sms)', definition: twilioProvider as ProviderDefinition, config: twilioConfig, message: otpMessage(), start: twilioFake },
    { name: 'twilio (voice)', definition: twilioProvider as ProviderDefinition, config: twilioConfig, message: otpMessage({ channel: 'voice', text: voiceScript }), start: twilioFake },
    { name: 'sns', definition: amazonSns as ProviderDefinition, config: { region: SNS_REGION, accessKeyId: SNS_ACCESS_KEY_ID, secretAccessKey: SNS_SECRET_ACCESS_KEY }, message: otpMessage(), start: () => vendorFake(startFakeSns) },
    { name: 'vonage', definition: vonage as ProviderDefinition, config: { apiKey: VONAGE_API_KEY, apiSecret: VONAGE_API_SECRET, from: 'Guardline' }, message: otpMessage(), start: () => vendorFake(startFakeVonage) },
    { name: 'infobip', definition: infobip as ProviderDefinition, config: { apiKey: INFOBIP_API_KEY, sender: 'Guardline' }, message: otpMessage(), start: () => vendorFake(startFakeInfobip) },
    { name: 'telesign', definition: telesign as ProviderDefinition, config: { customerId: TELESIGN_CUSTOMER_ID, apiKey: TELESIGN_API_KEY }, message: otpMessage(), start: () => vendorFake(startFakeTelesign) },
    { name: 'esendex', definition: esendex as ProviderDefinition, config: { accountReference: ESENDEX_ACCOUNT, username: ESENDEX_USERNAME, password: ESENDEX_PASSWORD }, message: otpMessage(), start: () => vendorFake(startFakeEsendex) },
    { name: 'clicksend', definition: clicksend as ProviderDefinition, config: { username: CLICKSEND_USERNAME, apiKey: CLICKSEND_API_KEY }, message: otpMessage(), start: () => vendorFake(startFakeClickSend) },
    { name: 'mitto', definition: mitto as ProviderDefinition, config: { apiKey: MITTO_API_KEY, from: 'Guardline' }, message: otpMessage(), start: () => vendorFake(startFakeMitto) },
  ];
}

/** The floor's server: node:http answering `{}`; it counts the requests it answered. */
async function startFloor(): Promise<BenchFake> {
  let answered = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      answered++;
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': 2 });
      response.end('{}');
    });
  });
  const url = await listen(server);
  return { url, answered: () => ({ total: answered, ok: answered }), close: () => closeServer(server) };
}

/** The floor, then one row per provider, measured interleaved in one run. */
async function providerRows(): Promise<{ floor: Stats; rows: ProviderRow[] }> {
  const cases = await providerCases();
  // Every shipped vendor provider is measured (the built-in one sends through Twilio's upstream or the dev inbox; the
  // `custom` provider is tenant code, measured as an action in part 3).
  const shipped = shippedProviders({ devInbox: async () => '', upstream: undefined, fetch }).map((d) => d.id).filter((id) => id !== 'auth0' && id !== 'custom');
  const covered = new Set(cases.map((c) => c.definition.id));
  for (const id of shipped) check(covered.has(id), `the registry provider ${id} has no row in bench/delivery.ts`);

  const floorServer = await startFloor();
  const fakes: BenchFake[] = [];
  try {
    for (const c of cases) fakes.push(await c.start());
    const floorCase: Measured = {
      count: SENDS,
      warmup: WARMUP,
      // One POST with a small JSON body, the answer read as the providers read theirs.
      async op(i) {
        const response = await fetch(`${floorServer.url}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"to":"+447700900123","text":"482913"}' });
        const body = await response.text();
        check(response.status === 200 && body === '{}', `floor: send ${i} answered ${response.status} ${body}`);
      },
    };
    const delivered = cases.map(() => 0);
    const providerCasesMeasured: Measured[] = cases.map((c, index) => {
      const instance: ProviderInstance = c.definition.create(c.config as never, { baseUrl: fakes[index]!.url, fetch });
      const signal = new AbortController().signal;
      return {
        count: SENDS,
        warmup: WARMUP,
        async op(i) {
          const outcome = await instance.send(c.message, { signal });
          if (outcome.kind === 'delivered-to-provider') delivered[index]!++;
          else check(false, `${c.name}: send ${i} came to ${outcome.kind} ${outcome.error.errorCode} ${outcome.error.message}`);
        },
      };
    });
    const [floor, ...stats] = await measureInterleaved([floorCase, ...providerCasesMeasured]);
    const expected = SENDS + WARMUP;
    check(floorServer.answered().total === expected, `floor: ${floorServer.answered().total} of ${expected} requests answered`);
    const rows = cases.map((c, index): ProviderRow => {
      const { total, ok } = fakes[index]!.answered();
      check(delivered[index] === expected, `${c.name}: ${delivered[index]} of ${expected} sends delivered`);
      check(total === expected && ok === total, `${c.name}: the fake answered ${ok} of ${total} requests with a 2xx (expected ${expected})`);
      const row = stats[index]!;
      return { name: c.name, ...row, p50Ratio: row.p50 / floor!.p50, cpuRatio: row.cpuMicros / floor!.cpuMicros };
    });
    return { floor: floor!, rows };
  } finally {
    await Promise.all([floorServer.close(), ...fakes.map((f) => f.close())]);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 2. A failover hop, through the real delivery service
// ---------------------------------------------------------------------------------------------------------------

/**
 * The chain's providers: the test-only vendor of the chain tests (test/support/fakes/fake-sms-provider.ts) under one
 * registry id per role, each on a fake of its own, so the four scenarios can be interleaved: `a-ok` answers,
 * `a-503` answers 503 `internal`, `a-hang` never answers, `a-refused` points at a port nobody listens on; `b` is the
 * second provider of every chain.
 */
const A_OK = fakeSmsProvider('a-ok');
const A_503 = fakeSmsProvider('a-503');
const A_HANG = fakeSmsProvider('a-hang');
const A_REFUSED = fakeSmsProvider('a-refused');
const B = fakeSmsProvider('b');

/** A loopback port that refuses connections: bound once for a free number, then closed. */
async function refusedUrl(): Promise<string> {
  const server = createServer();
  const url = await listen(server);
  await closeServer(server);
  return url;
}

interface ChainScenario {
  name: string;
  /** The chain's first provider. */
  first: ProviderDefinition;
  /** Which provider must have delivered every send, and what the first hop's ledger row must say when it failed. */
  deliveredBy: string;
  firstError?: string;
  sends: number;
  warmup: number;
}

interface ChainRow extends Stats {
  name: string;
  /** p50 of this scenario minus p50 of "A delivers": the extra ms of one hop. */
  extraP50: number;
}

/** Services on a fresh in-memory SQLite database, as the delivery scenarios use them; `close` frees it all. */
async function benchServices(clock: ManualClock, config: { providerBaseUrls: Record<string, string>; budgetMs?: number; allowPrivateNetwork?: boolean }, extraProviders?: ProviderDefinition[]) {
  const handle = await openDatabase({ dialect: 'sqlite', file: ':memory:' });
  await migrateToLatest(handle);
  const limiter = createSqlLimiter({ db: handle.db, dialect: handle.dialect, clock });
  const publicUrl = new URL('http://guardline.test');
  const services: Services = buildServices({
    store: createStore(handle.db, handle.dialect),
    clock,
    random: cryptoRandom,
    secretBox: new SecretBox(randomBytes(32)),
    limiter,
    config: {
      publicUrl,
      baseDomain: publicUrl.hostname,
      defaultTenant: 'default',
      builtinSmsUpstream: undefined,
      providerBaseUrls: config.providerBaseUrls,
      delivery: { ...DELIVERY_DEFAULTS, ...(config.budgetMs ? { budgetMs: config.budgetMs } : {}) },
      actions: { allowPrivateNetwork: config.allowPrivateNetwork ?? false },
    },
    ...(extraProviders ? { extraProviders } : {}),
  });
  await bootstrap(services, { defaultTenant: 'default' });
  return {
    services,
    handle,
    async close() {
      await services.close();
      await limiter.close();
      await handle.destroy();
    },
  };
}

/**
 * Real traffic: many users, numbers and addresses. The fraud guard runs with the product's defaults (docs/security.md)
 * and would rightly refuse hundreds of codes to one number from one address, or flag one prefix that never verifies;
 * so each send has a user of its own (the 10-an-hour bucket), and numbers (200 US area codes, hence 200 prefixes) and
 * addresses come from pools wide enough that no per-number, per-IP or pumping limit is reached in a run.
 */
const BENCH_NUMBERS = Array.from({ length: 799 }, (_, i) => `+1${201 + i}5552671`)
  .filter((n) => parsePhoneNumber(n).ok)
  .slice(0, 200);

/** One verification code to a new bench user, number and address (see BENCH_NUMBERS). */
let benchUsers = 0;
function sendBenchCode(services: Services, tenant: Tenant, settings: Awaited<ReturnType<Services['guardian']['settings']>>, client: { id: string; name: string } | undefined) {
  const user = ++benchUsers;
  return services.phoneDelivery.sendCode({
    tenant,
    settings,
    user: { id: `auth0|bench-${user}`, name: `bench-${user}@example.com` },
    client,
    to: BENCH_NUMBERS[user % BENCH_NUMBERS.length]!,
    channel: 'sms',
    purpose: 'verification',
    code: '482913',
    locale: 'en',
    authenticatorId: `sms|dev_bench${user}`,
    context: { ip: `203.0.113.${user % 200}`, userAgent: 'bench' },
  });
}

async function chainRows(): Promise<{ rows: ChainRow[]; budgetMs: number; firstHopShareMs: number }> {
  const [ok, failing, hanging, b] = await Promise.all([startFakeSmsApi(), startFakeSmsApi(), startFakeSmsApi(), startFakeSmsApi()]);
  failing.next({ kind: 'fail', status: 503, code: 'internal' });
  hanging.next({ kind: 'hang' });
  const clock = new ManualClock(new Date());
  let bench: Awaited<ReturnType<typeof benchServices>> | undefined;
  try {
    bench = await benchServices(
      clock,
      {
        providerBaseUrls: {
          [A_OK.baseUrlSetting]: ok.url,
          [A_503.baseUrlSetting]: failing.url,
          [A_HANG.baseUrlSetting]: hanging.url,
          [A_REFUSED.baseUrlSetting]: await refusedUrl(),
          [B.baseUrlSetting]: b.url,
        },
        budgetMs: BUDGET_MS,
      },
      [A_OK, A_503, A_HANG, A_REFUSED, B],
    );
    const { services, handle } = bench;

    const scenarios: ChainScenario[] = [
      { name: 'A delivers', first: A_OK, deliveredBy: A_OK.id, sends: CHAIN_SENDS, warmup: WARMUP },
      { name: 'A answers 503 → B', first: A_503, deliveredBy: B.id, firstError: 'internal', sends: CHAIN_SENDS, warmup: WARMUP },
      { name: 'A refuses the connection → B', first: A_REFUSED, deliveredBy: B.id, firstError: 'unreachable', sends: CHAIN_SENDS, warmup: WARMUP },
      { name: 'A hangs (budget abort) → B', first: A_HANG, deliveredBy: B.id, firstError: 'timeout', sends: HANG_SENDS, warmup: 1 },
    ];
    const tenants: Tenant[] = [];
    const cases: Measured[] = [];
    for (const [index, s] of scenarios.entries()) {
      const tenant = await services.tenants.create({ name: `bench-chain-${index + 1}` });
      tenants.push(tenant);
      await services.guardian.setFactor(tenant, 'sms', true, {});
      await services.guardian.setMessageTypes(tenant, ['sms'], {});
      await services.guardian.setProvider(tenant, 'twilio', {});
      for (const provider of [s.first.id, B.id]) {
        await services.providerConfigs.create(tenant, { provider, configuration: { api_key: FAKE_API_KEY, from: 'Guardline' } }, {});
      }
      const settings = await services.guardian.settings(tenant);
      cases.push({
        count: s.sends,
        warmup: s.warmup,
        async op(i) {
          // The breaker takes a token per transient failure (burst 5, one back every 30 s): 30 s of the manual clock
          // per send keeps A's circuit closed, so every send really tries A first. A user of its own per send keeps
          // the user's send bucket (10 an hour) out of the way.
          clock.advance(30_000);
          const report = await sendBenchCode(services, tenant, settings, { id: 'client1', name: 'App' });
          check(report?.provider === s.deliveredBy, `${s.name}: send ${i} went through ${report?.provider ?? 'nothing'}, not ${s.deliveredBy}`);
        },
      });
    }
    const stats = await measureInterleaved(cases);

    // The ledger says what happened on every send: one row per hop, the first hop's error as expected.
    for (const [index, s] of scenarios.entries()) {
      const rows = await handle.db.selectFrom('delivery_attempts').select(['attempt', 'provider', 'error']).where('tenant_id', '=', tenants[index]!.id).execute();
      const total = s.sends + s.warmup;
      const hop = (n: number) => rows.filter((r) => r.attempt === n);
      if (s.deliveredBy === s.first.id) {
        check(rows.length === total && hop(1).every((r) => r.provider === s.first.id && r.error === null), `${s.name}: the ledger has ${rows.length} rows, expected ${total} deliveries by ${s.first.id}`);
        continue;
      }
      const firstErrors = hop(1).map((r) => (r.error ? (JSON.parse(r.error) as { errorCode: string }).errorCode : null));
      check(hop(1).length === total && hop(1).every((r) => r.provider === s.first.id) && firstErrors.every((e) => e === s.firstError), `${s.name}: first hops ${JSON.stringify([...new Set(firstErrors)])}, expected ${total} × ${s.firstError} on ${s.first.id}`);
      check(hop(2).length === total && hop(2).every((r) => r.provider === B.id && r.error === null), `${s.name}: ${hop(2).length} second hops delivered by ${B.id}, expected ${total}`);
    }
    check(ok.messages.length === CHAIN_SENDS + WARMUP, `A delivers: fake A took ${ok.messages.length} messages`);
    check(b.messages.length === 2 * (CHAIN_SENDS + WARMUP) + HANG_SENDS + 1, `fake B took ${b.messages.length} messages`);
    check(failing.requests.every((r) => r.status === 503) && hanging.requests.every((r) => r.status === 0), 'A answered something other than 503 / nothing');

    const direct = stats[0]!;
    return { rows: stats.map((m, index) => ({ name: scenarios[index]!.name, ...m, extraP50: m.p50 - direct.p50 })), budgetMs: BUDGET_MS, firstHopShareMs: Math.floor(BUDGET_MS / 2) };
  } finally {
    hanging.releaseHung();
    await bench?.close();
    await Promise.all([ok.close(), failing.close(), hanging.close(), b.close()]);
  }
}


// ---------------------------------------------------------------------------------------------------------------
// 3. A send through a warm send-phone-message Action against the same send through the Twilio provider: both through
//    phoneDelivery.sendCode, both reaching the same strict Twilio fake. The action uses the bundled `twilio` module,
//    so the difference is the sandbox: a fresh context, the event copied in, the bridged fetch, the execution record.

const ACTION_SENDS = positive('BENCH_DELIVERY_ACTION_SENDS', 200);

async function actionRows(): Promise<{ rows: Array<Stats & { name: string; extraP50: number; extraP99: number }> }> {
  const fake = await startFakeTwilio();
  let bench: Awaited<ReturnType<typeof benchServices>> | undefined;
  try {
    bench = await benchServices(new ManualClock(new Date()), { providerBaseUrls: { GUARDLINE_TWILIO_BASE_URL: fake.url }, allowPrivateNetwork: true });
    const ready = bench.services;
    const viaProvider = await ready.tenants.create({ name: 'bench-twilio' });
    const viaAction = await ready.tenants.create({ name: 'bench-action' });
    for (const tenant of [viaProvider, viaAction]) {
      await ready.guardian.setFactor(tenant, 'sms', true, {});
      await ready.guardian.setMessageTypes(tenant, ['sms'], {});
    }
    await ready.providerConfigs.create(viaProvider, { provider: 'twilio', configuration: { sid: FAKE_ACCOUNT_SID, auth_token: FAKE_AUTH_TOKEN, from: FAKE_FROM } }, {});
    await ready.guardian.setProvider(viaProvider, 'twilio', {});
    const action = await ready.actions.catalogue.create(viaAction, {
      name: 'bench-twilio-action',
      supported_triggers: [{ id: 'send-phone-message', version: 'v2' }],
      dependencies: [{ name: 'twilio', version: '5.0.0' }],
      secrets: [{ name: 'SID', value: FAKE_ACCOUNT_SID }, { name: 'TOKEN', value: FAKE_AUTH_TOKEN }, { name: 'FROM', value: FAKE_FROM }],
      code: `const twilio = require('twilio');
exports.onExecuteSendPhoneMessage = async (event, api) => {
  const client = twilio(event.secrets.SID, event.secrets.TOKEN);
  await client.messages.create({ to: event.message_options.recipient, from: event.secrets.FROM, body: event.message_options.text });
};`,
    });
    await ready.actions.catalogue.deploy(viaAction, action.id);
    await ready.actions.bindings.replace(viaAction, 'send-phone-message', [{ ref: { type: 'action_id', value: action.id } }]);
    await ready.guardian.setProvider(viaAction, 'phone-message-hook', {});

    const sendCase = (tenant: Tenant, provider: string): Measured => ({
      count: ACTION_SENDS,
      warmup: WARMUP,
      async op(i) {
        const fresh = (await ready.tenants.findByName(tenant.name))!;
        const report = await sendBenchCode(ready, fresh, await ready.guardian.settings(fresh), undefined);
        check(report?.provider === provider, `${provider}: send ${i} went through ${report?.provider ?? 'nothing'}`);
      },
    });
    const [direct, warmAction] = await measureInterleaved([sendCase(viaProvider, 'twilio'), sendCase(viaAction, 'phone-message-hook')]);
    check(fake.messages.length === 2 * (ACTION_SENDS + WARMUP), `the Twilio fake took ${fake.messages.length} messages, expected ${2 * (ACTION_SENDS + WARMUP)}`);
    return {
      rows: [
        { name: 'Twilio provider', ...direct!, extraP50: 0, extraP99: 0 },
        { name: 'send-phone-message Action (warm) → Twilio', ...warmAction!, extraP50: warmAction!.p50 - direct!.p50, extraP99: warmAction!.p99 - direct!.p99 },
      ],
    };
  } finally {
    await bench?.close();
    await fake.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------

const ms = (n: number) => n.toFixed(2);
const pad = (cells: string[], widths: number[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');

function table(header: string[], lines: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  return [pad(header, widths), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map((l) => pad(l, widths))].join('\n');
}

async function main() {
  const started = performance.now();
  console.error(`delivery bench: ${SENDS} sends per provider, ${CHAIN_SENDS} per chain scenario (${HANG_SENDS} when A hangs), budget ${BUDGET_MS} ms`);
  const { floor, rows: providers } = await providerRows();
  const chain = await chainRows();
  const actions = await actionRows();

  console.log(`\nPer provider: ${SENDS} sequential sends through create(config, runtime).send() against its loopback fake`);
  console.log(
    table(
      ['provider', 'p50 ms', 'p99 ms', 'CPU µs/send', 'p50 × floor', 'CPU × floor'],
      [
        ['floor: bare fetch POST → {}', ms(floor.p50), ms(floor.p99), floor.cpuMicros.toFixed(0), '1.00', '1.00'],
        ...providers.map((r) => [r.name, ms(r.p50), ms(r.p99), r.cpuMicros.toFixed(0), r.p50Ratio.toFixed(2), r.cpuRatio.toFixed(2)]),
      ],
    ),
  );
  console.log(`\nFailover through phoneDelivery.sendCode (chain [A, B], SQLite in memory, budget ${chain.budgetMs} ms: A's share ${chain.firstHopShareMs} ms)`);
  console.log(
    table(
      ['scenario', 'sends', 'p50 ms', 'p99 ms', 'CPU µs/send', 'extra p50 ms (one hop)'],
      chain.rows.map((r) => [r.name, String(r.sends), ms(r.p50), ms(r.p99), r.cpuMicros.toFixed(0), r.name === 'A delivers' ? '—' : ms(r.extraP50)]),
    ),
  );

  console.log(`\nA send through a warm Action against the Twilio provider (phoneDelivery.sendCode, SQLite in memory, ${ACTION_SENDS} sends each)`);
  console.log(
    table(
      ['path', 'sends', 'p50 ms', 'p99 ms', 'CPU µs/send', 'added p50 ms', 'added p99 ms', 'p50 × Twilio'],
      actions.rows.map((r, i) => [r.name, String(r.sends), ms(r.p50), ms(r.p99), r.cpuMicros.toFixed(0), i === 0 ? '—' : ms(r.extraP50), i === 0 ? '—' : ms(r.extraP99), (r.p50 / actions.rows[0]!.p50).toFixed(2)]),
    ),
  );

  const results = {
    at: new Date().toISOString(),
    node: process.version,
    sends: SENDS,
    chainSends: CHAIN_SENDS,
    hangSends: HANG_SENDS,
    budgetMs: chain.budgetMs,
    firstHopShareMs: chain.firstHopShareMs,
    baseline: floor,
    providers,
    chain: chain.rows,
    actions: actions.rows,
    failures,
    seconds: (performance.now() - started) / 1000,
  };
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\n${path.relative(process.cwd(), RESULTS)} written (${results.seconds.toFixed(0)} s)`);
  if (failures.length > 0) {
    console.error(`\nFAIL: ${failures.length} check(s) failed; these figures are not valid:`);
    // Grouped by what failed (the text before the first colon), the first of each group shown.
    const groups = new Map<string, string[]>();
    for (const f of failures) groups.set(f.split(':')[0]!, [...(groups.get(f.split(':')[0]!) ?? []), f]);
    for (const [, group] of groups) console.error(`  - ${group[0]}${group.length > 1 ? ` (and ${group.length - 1} more like it)` : ''}`);
    process.exitCode = 1;
  }
}

await main();
