import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import type { GuardlineConfig } from './config/load.js';
import { SecretBox } from './crypto/secret-box.js';
import { cryptoRandom, systemClock } from './domain/clock.js';
import { buildApp } from './http/app.js';
import { drainable } from './http/drain.js';
import type { App } from './http/types.js';
import { bootstrap, type BootstrapResult } from './services/bootstrap.js';
import { createLimiter } from './limits/index.js';
import { createRedisActionCache } from './actions/cache.js';
import { buildServices, type Services } from './services/index.js';
import { migrateToLatest, openDatabase, pendingMigrations, type DatabaseHandle } from './store/database.js';
import { createStore } from './store/store.js';

export const SECRET_KEY_FILE = 'secret.key';

/**
 * Embedded mode keeps its encryption key next to its database: generated once (0600), then read on every
 * start. Losing it makes every sealed secret unreadable, which is why production must pass the key in.
 */
export function loadOrCreateSecretKey(dataDir: string): { key: Buffer; file: string; created: boolean } {
  const file = path.join(dataDir, SECRET_KEY_FILE);
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/.test(text)) throw new Error(`${file} is not a 64-hex-character key; restore it from a backup`);
    return { key: Buffer.from(text, 'hex'), file, created: false };
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  return { key, file, created: true };
}

export interface Guardline {
  config: GuardlineConfig;
  handle: DatabaseHandle;
  services: Services;
  secretKeyFile: string | undefined;
  close(): Promise<void>;
}

/**
 * Opens storage and builds the services. Embedded mode migrates on open; with PostgreSQL the operator runs
 * `guardline migrate` (so several nodes never race to migrate) and a start with pending migrations refuses.
 */
export async function openGuardline(config: GuardlineConfig, options: { migrate?: boolean } = {}): Promise<Guardline> {
  let secretKey = config.secretKey;
  let secretKeyFile: string | undefined;
  if (!secretKey) {
    const loaded = loadOrCreateSecretKey(config.dataDir);
    secretKey = loaded.key;
    secretKeyFile = loaded.file;
  }
  const handle = await openDatabase(config.database);
  try {
    if (options.migrate ?? config.embedded) {
      await migrateToLatest(handle);
    } else {
      const pending = await pendingMigrations(handle);
      if (pending.length > 0) throw new Error(`the database has ${pending.length} pending migration(s) (${pending.join(', ')}): run \`guardline migrate\` first`);
    }
  } catch (err) {
    await handle.destroy();
    throw err;
  }
  const limiter = createLimiter({ redisUrl: config.redisUrl, redisKeyPrefix: config.redisKeyPrefix, clock: systemClock, db: handle.db, dialect: handle.dialect });
  // With Redis, actions' api.cache lives there too (shared by every node); otherwise in the database.
  const actionCache = config.redisUrl ? createRedisActionCache({ url: config.redisUrl, keyPrefix: `${config.redisKeyPrefix}action-cache:` }) : undefined;
  const services = buildServices({
    store: createStore(handle.db, handle.dialect),
    clock: systemClock,
    random: cryptoRandom,
    secretBox: new SecretBox(secretKey),
    limiter,
    config,
    ...(actionCache ? { actionCache } : {}),
  });
  return {
    config,
    handle,
    services,
    secretKeyFile,
    async close() {
      await services.close();
      await actionCache?.close();
      await limiter.close();
      await handle.destroy();
    },
  };
}

export interface RunningServer {
  guardline: Guardline;
  app: App;
  url: string;
  bootstrap: BootstrapResult;
  logger: Logger;
  close(): Promise<void>;
}

export function createLogger(config: Pick<GuardlineConfig, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    // Defence in depth: even if a header or body slipped into a log call, these paths are censored.
    redact: { paths: ['req.headers.authorization', 'headers.authorization', '*.password', '*.client_secret', '*.code'], censor: '[redacted]' },
  });
}

/** How long a stopping server lets running requests finish before it closes storage anyway. */
export const SHUTDOWN_DRAIN_MS = 10_000;

/** `guardline start`: storage, first-run bootstrap, HTTP(S) listener. */
export async function startServer(config: GuardlineConfig): Promise<RunningServer> {
  const logger = createLogger(config);
  const guardline = await openGuardline(config);
  let app: App | undefined;
  try {
    const https = config.tls ? { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } : undefined;
    app = await buildApp({ services: guardline.services, logger, trustProxy: config.trustProxy, metricsToken: config.metricsToken, ...(https ? { https } : {}) });
    const drain = drainable(app);
    // Listen before bootstrapping: if the port is taken, no administrative credentials are created unseen.
    await app.listen({ host: config.host, port: config.port });
    const boot = await bootstrap(guardline.services, { defaultTenant: config.defaultTenant, bootstrapClient: config.bootstrapClient });
    // Retries that actions asked for (durable: a restart, or another node, picks them up).
    guardline.services.actionRetries.start();
    guardline.services.usageTriggers.start();
    // Verified codes for the pumping detector's completion rate, written once a second.
    guardline.services.fraudGuard.start();
    // Log streams: each node polls; a lease per stream makes one node send each batch.
    guardline.services.logStreams.delivery.start();
    guardline.services.userJobs.start();
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = `${config.tls ? 'https' : 'http'}://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    const running = app;
    return {
      guardline,
      app: running,
      url,
      bootstrap: boot,
      logger,
      async close() {
        // Storage closes only after the last request is done with it (or the drain timeout has cut it off).
        const { drained } = await drain.close(SHUTDOWN_DRAIN_MS);
        if (!drained) logger.warn({ in_flight: drain.inFlight }, `requests still running after ${SHUTDOWN_DRAIN_MS} ms: closing storage under them`);
        await guardline.close();
      },
    };
  } catch (err) {
    await app?.close();
    await guardline.close();
    throw err;
  }
}
