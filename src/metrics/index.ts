import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type Metric } from 'prom-client';

/**
 * Prometheus metrics of one Guardline instance (docs/metrics.md). Each instance owns its own `Registry`, never
 * prom-client's global one, so several instances in one process (tests, the demo) count apart. The process
 * metrics (`process_*`, `nodejs_*`) describe the process, not an instance: they are collected once per process and
 * the same metric objects are registered on every instance's registry, so building an instance does not start
 * another event-loop monitor and GC observer that nothing could stop.
 */

/** How one provider attempt ended, as a label value (delivery-chain.ts `HopAttempt.outcome.kind`). */
export type SendStatus = 'delivered' | 'transient' | 'permanent' | 'misconfigured' | 'skipped';

export interface PhoneAttemptSample {
  channel: string;
  provider: string;
  status: SendStatus;
  /** ISO 3166-1 alpha-2 country of the number, or `unknown`. */
  country: string;
  elapsedMs: number;
}

export interface LagSample {
  stream: string;
  lag: number;
}

/** Reports how far each log stream is behind; called on every scrape. */
export type LagSource = () => Promise<LagSample[]>;

/** Seconds: provider calls are bounded by the delivery budget (default 5 s, at most 60 s). */
const PROVIDER_LATENCY_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60];
/** Seconds: most requests are database round trips; a send waits for its provider. */
const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The route label of a request Fastify matched to no route (the raw URL may carry ids: it is never a label). */
export const UNMATCHED_ROUTE = 'unmatched';

let processMetrics: Metric[] | undefined;
function sharedProcessMetrics(): Metric[] {
  if (!processMetrics) {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    processMetrics = registry.getMetricsAsArray().flatMap(({ name }) => registry.getSingleMetric(name) ?? []);
  }
  return processMetrics;
}

export function createMetrics() {
  const registry = new Registry();
  for (const metric of sharedProcessMetrics()) registry.registerMetric(metric);
  const registers = [registry];

  const phoneSends = new Counter({
    name: 'guardline_phone_sends_total',
    help: 'Phone message attempts, one per provider tried, by how the attempt ended.',
    labelNames: ['channel', 'provider', 'status', 'country'] as const,
    registers,
  });
  const providerLatency = new Histogram({
    name: 'guardline_provider_latency_seconds',
    help: 'Time one provider attempt took, from the start of the attempt to its outcome.',
    labelNames: ['provider', 'channel', 'outcome'] as const,
    buckets: PROVIDER_LATENCY_BUCKETS,
    registers,
  });
  const limitRejections = new Counter({
    name: 'guardline_limit_rejections_total',
    help: 'Requests refused because a rate-limit bucket was empty, by rule.',
    labelNames: ['rule'] as const,
    registers,
  });
  const fraudRejections = new Counter({
    name: 'guardline_fraud_rejections_total',
    help: 'Phone sends refused by fraud protection, by reason and channel.',
    labelNames: ['reason', 'channel'] as const,
    registers,
  });
  const httpDuration = new Histogram({
    name: 'guardline_http_request_duration_seconds',
    help: 'HTTP request duration, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: HTTP_DURATION_BUCKETS,
    registers,
  });

  const lagSources = new Set<LagSource>();
  /** The lag collection of the scrape in progress: the failure counter below waits for it to be counted. */
  let collectingLag: Promise<void> | undefined;
  new Gauge({
    name: 'guardline_log_stream_lag',
    help: 'How far each log stream is behind, as its source reports it.',
    labelNames: ['stream'] as const,
    registers,
    collect() {
      collectingLag = (async () => {
        const results = await Promise.allSettled([...lagSources].map((source) => source()));
        // Only what the sources report now: a stream that went away disappears instead of keeping its last value.
        this.reset();
        for (const result of results) {
          if (result.status === 'rejected') {
            lagFailures.inc();
            continue;
          }
          for (const { stream, lag } of result.value) this.set({ stream }, lag);
        }
      })();
      return collectingLag;
    },
  });
  // Registered after the gauge: a scrape starts the gauge's collection first, so this one sees its failures.
  const lagFailures = new Counter({
    name: 'guardline_log_stream_lag_collect_failures_total',
    help: 'Scrapes on which a log-stream lag source failed (its streams are missing from guardline_log_stream_lag).',
    registers,
    async collect() {
      await collectingLag;
    },
  });

  return {
    registry,
    contentType: registry.contentType,

    /** The exposition text of every metric of this instance (and the process metrics). */
    render: () => registry.metrics(),

    /** One provider attempt of a phone send: counted, and its latency observed. */
    phoneAttempt({ channel, provider, status, country, elapsedMs }: PhoneAttemptSample): void {
      phoneSends.inc({ channel, provider, status, country });
      providerLatency.observe({ provider, channel, outcome: status }, elapsedMs / 1000);
    },

    /** A rate-limit bucket refused a request (`rule` is the limit's name, e.g. `phone_sends`). */
    limitRejected(rule: string): void {
      limitRejections.inc({ rule });
    },

    /** Fraud protection refused a phone send. */
    fraudRejected(reason: string, channel: string): void {
      fraudRejections.inc({ reason, channel });
    },

    /** One answered HTTP request; `route` is the route pattern, or UNMATCHED_ROUTE. */
    httpRequest(method: string, route: string, statusCode: number, seconds: number): void {
      httpDuration.observe({ method, route, status_code: String(statusCode) }, seconds);
    },

    /** Plugs a lag source into `guardline_log_stream_lag`; returns the function that unplugs it. */
    registerLagSource(source: LagSource): () => void {
      lagSources.add(source);
      return () => {
        lagSources.delete(source);
      };
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** The `status` label of a delivery-chain outcome kind. */
export function sendStatus(kind: 'delivered-to-provider' | Exclude<SendStatus, 'delivered'>): SendStatus {
  return kind === 'delivered-to-provider' ? 'delivered' : kind;
}
