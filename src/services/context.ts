import type { GuardlineConfig } from '../config/load.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { ProviderDefinition } from '../delivery/kit.js';
import type { Clock, RandomSource } from '../domain/clock.js';
import type { RateLimiter } from '../limits/index.js';
import type { Store } from '../store/store.js';
import type { ActionCacheStore } from '../actions/cache.js';
import type { ActionSandbox } from '../actions/types.js';
import type { Metrics } from '../metrics/index.js';

/** What every service is built from. Adapters are chosen once at start-up and injected here. */
export interface ServiceDeps {
  store: Store;
  clock: Clock;
  random: RandomSource;
  secretBox: SecretBox;
  /** Token buckets: in the database by default, in Redis with `GUARDLINE_REDIS_URL` (limits/index.ts). */
  limiter: RateLimiter;
  config: Pick<GuardlineConfig, 'publicUrl' | 'baseDomain' | 'defaultTenant' | 'builtinSmsUpstream'> &
    /** Defaults: no base URL overrides, DELIVERY_DEFAULTS (config/load.ts). */
    Partial<Pick<GuardlineConfig, 'providerBaseUrls' | 'delivery' | 'actions' | 'phonePrices' | 'logStreams' | 'importMaxBytes'>>;
  /**
   * Provider definitions besides the shipped ones (delivery/registry.ts lists those): tests inject loopback fakes
   * here; production passes none.
   */
  extraProviders?: readonly ProviderDefinition[];
  /** What providers fetch with (tests may wrap it); default: the global fetch. */
  fetch?: typeof fetch;
  /** Where tenant actions run; default: a new isolated-vm sandbox of this process (closed by `services.close()`). */
  actionSandbox?: ActionSandbox;
  /** Actions' `api.cache`; default: the database. With Redis, start-up passes the Redis back end. */
  actionCache?: ActionCacheStore;
  /** This instance's Prometheus metrics (metrics/index.ts); default: a new registry of its own. */
  metrics?: Metrics;
}

/** Facts about the HTTP request that the event log records. */
export interface RequestContext {
  ip?: string;
  userAgent?: string;
  hostname?: string;
}
