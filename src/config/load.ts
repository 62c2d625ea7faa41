import { DEFAULT_PRICES, priceTableProblem, type PriceTable } from '../domain/phone-fraud/prices.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { chosenClientSecretProblem } from '../domain/client-secrets.js';
import { CONFIG_OPTIONS, type ConfigVariable } from './schema.js';

export type DatabaseConfig =
  | { dialect: 'sqlite'; file: string }
  | { dialect: 'postgres'; url: string };

export interface GuardlineConfig {
  database: DatabaseConfig;
  /** True when running on the embedded database: migrations at start, generated secret key. */
  embedded: boolean;
  dataDir: string;
  redisUrl: string | undefined;
  /** Prefix of every Redis key (limits/redis.ts). */
  redisKeyPrefix: string;
  publicUrl: URL;
  /** Host part of the public URL; tenants are `{name}.{baseDomain}`. */
  baseDomain: string;
  host: string;
  port: number;
  tls: { certFile: string; keyFile: string } | undefined;
  /** Raw 32-byte key, or undefined in embedded mode until the data directory provides one. */
  secretKey: Buffer | undefined;
  defaultTenant: string;
  bootstrapClient: { clientId: string; clientSecret: string } | undefined;
  logLevel: string;
  /** Fastify's trustProxy: true, or a comma-separated list of addresses/CIDRs. */
  trustProxy: boolean | string;
  /** Bearer token `GET /metrics` requires; undefined = loopback peers only (http/metrics-route.ts). */
  metricsToken: string | undefined;
  /** `GUARDLINE_PHONE_PRICES`: estimated price per message, by provider, channel and country (domain/phone-fraud/prices.ts). */
  phonePrices: PriceTable;
  /** A real SMS upstream for the built-in provider; undefined = dev inbox only. */
  builtinSmsUpstream: BuiltinSmsUpstream | undefined;
  /**
   * Provider API base URLs set in the configuration, by setting name (`GUARDLINE_TWILIO_BASE_URL`, …), without a
   * trailing slash; a provider whose setting is absent uses its definition's default (delivery/registry.ts).
   */
  providerBaseUrls: Record<string, string>;
  delivery: DeliveryConfig;
  actions: ActionsConfig;
  logStreams: LogStreamsConfig;
  /** Largest users import file, in bytes (GUARDLINE_IMPORT_MAX_BYTES). */
  importMaxBytes: number;
}

export interface LogStreamsConfig {
  /** `GUARDLINE_LOG_STREAMS_ALLOW_HTTP`: sinks may be plain `http://` URLs (development and tests on loopback). */
  allowHttp: boolean;
  /** `GUARDLINE_LOG_STREAMS_SUSPEND_AFTER_HOURS`: how long a sink may fail without a break before its stream is suspended. */
  suspendAfterMs: number;
}

/** 10 MiB: twenty of Auth0's 500 KB files in one job. */
export const IMPORT_MAX_BYTES_DEFAULT = 10 * 1024 * 1024;

export const LOG_STREAMS_DEFAULTS: LogStreamsConfig = { allowHttp: false, suspendAfterMs: 24 * 3_600_000 };

export interface ActionsConfig {
  /** `GUARDLINE_ACTIONS_ALLOW_PRIVATE_NETWORK`: actions may fetch loopback/private/link-local addresses. */
  allowPrivateNetwork: boolean;
}

export const ACTIONS_DEFAULTS: ActionsConfig = { allowPrivateNetwork: false };

export interface DeliveryConfig {
  /** One send's time budget across the whole provider chain. */
  budgetMs: number;
  /** Sends in flight per provider configuration on one node. */
  concurrency: number;
}

export const DELIVERY_DEFAULTS: DeliveryConfig = { budgetMs: 5_000, concurrency: 20 };

export interface BuiltinSmsUpstream {
  accountSid: string;
  authToken: string;
  /** E.164 sender, or a Messaging Service SID (MG…). */
  from: string;
  apiUrl: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type RawConfig = Partial<Record<ConfigVariable, string>>;

const KNOWN = new Set<string>(CONFIG_OPTIONS.map((o) => o.env));
const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
const TENANT_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

function readConfigFile(file: string, problems: string[]): RawConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    problems.push(`GUARDLINE_CONFIG_FILE: cannot read ${file}: ${(err as Error).message}`);
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    problems.push(`GUARDLINE_CONFIG_FILE: ${file} must hold a JSON object`);
    return {};
  }
  const out: RawConfig = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!KNOWN.has(key) || key === 'GUARDLINE_CONFIG_FILE') {
      problems.push(`GUARDLINE_CONFIG_FILE: unknown key "${key}"`);
    } else if (typeof value === 'string' || typeof value === 'number') {
      out[key as ConfigVariable] = String(value);
    } else {
      problems.push(`GUARDLINE_CONFIG_FILE: "${key}" must be a string or a number`);
    }
  }
  return out;
}

function parseSecretKey(value: string, problems: string[]): Buffer | undefined {
  const trimmed = value.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) {
    problems.push('GUARDLINE_SECRET_KEY: must be 32 bytes, as 64 hex characters or base64 (e.g. `openssl rand -hex 32`)');
    return undefined;
  }
  return key;
}

/**
 * Reads and validates the configuration. Every bad value is reported, not just the first, so an operator
 * fixes them all in one go. Pure apart from reading the optional config file.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): GuardlineConfig {
  const problems: string[] = [];
  const fromFile = env.GUARDLINE_CONFIG_FILE ? readConfigFile(path.resolve(cwd, env.GUARDLINE_CONFIG_FILE), problems) : {};
  const get = (name: ConfigVariable): string | undefined => {
    const value = env[name] ?? fromFile[name];
    return value === undefined || value === '' ? undefined : value;
  };

  const dataDir = path.resolve(cwd, get('GUARDLINE_DATA_DIR') ?? './data');

  const portText = get('GUARDLINE_PORT') ?? '3000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    problems.push(`GUARDLINE_PORT: "${portText}" is not a port number (0–65535; 0 picks a free port)`);
  }

  const certFile = get('GUARDLINE_TLS_CERT');
  const keyFile = get('GUARDLINE_TLS_KEY');
  let tls: GuardlineConfig['tls'];
  if (certFile && keyFile) {
    tls = { certFile: path.resolve(cwd, certFile), keyFile: path.resolve(cwd, keyFile) };
  } else if (certFile || keyFile) {
    problems.push('GUARDLINE_TLS_CERT and GUARDLINE_TLS_KEY must be set together');
  }

  let database: DatabaseConfig = { dialect: 'sqlite', file: path.join(dataDir, 'guardline.db') };
  const databaseUrl = get('GUARDLINE_DATABASE_URL');
  if (databaseUrl) {
    if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
      try {
        new URL(databaseUrl);
        database = { dialect: 'postgres', url: databaseUrl };
      } catch {
        problems.push('GUARDLINE_DATABASE_URL: not a valid postgres:// URL');
      }
    } else if (databaseUrl.startsWith('sqlite:')) {
      const file = databaseUrl.slice('sqlite:'.length).replace(/^\/\//, '');
      if (!file) problems.push('GUARDLINE_DATABASE_URL: sqlite: needs a file path, e.g. sqlite:./data/guardline.db');
      database = { dialect: 'sqlite', file: file === ':memory:' ? file : path.resolve(cwd, file) };
    } else {
      problems.push('GUARDLINE_DATABASE_URL: must start with postgres://, postgresql:// or sqlite:');
    }
  }
  const embedded = database.dialect === 'sqlite';

  const secretText = get('GUARDLINE_SECRET_KEY');
  const secretKey = secretText ? parseSecretKey(secretText, problems) : undefined;
  if (!secretText && !embedded) {
    problems.push('GUARDLINE_SECRET_KEY: required with PostgreSQL (generate one with `openssl rand -hex 32`)');
  }

  const scheme = tls ? 'https' : 'http';
  const publicUrlText = get('GUARDLINE_PUBLIC_URL') ?? `${scheme}://localhost:${portText}`;
  let publicUrl = new URL(`${scheme}://localhost:3000`);
  try {
    publicUrl = new URL(publicUrlText);
    if (publicUrl.protocol !== 'http:' && publicUrl.protocol !== 'https:') throw new Error('scheme');
    if (publicUrl.pathname !== '/' || publicUrl.search || publicUrl.hash) throw new Error('path');
  } catch {
    problems.push(`GUARDLINE_PUBLIC_URL: "${publicUrlText}" must be an http(s) origin without a path, e.g. https://auth.example.com`);
  }

  const defaultTenant = get('GUARDLINE_DEFAULT_TENANT') ?? 'default';
  if (!TENANT_NAME.test(defaultTenant)) {
    problems.push('GUARDLINE_DEFAULT_TENANT: lower-case letters, digits and hyphens, 1–63 characters');
  }

  const bootstrapId = get('GUARDLINE_BOOTSTRAP_CLIENT_ID');
  const bootstrapSecret = get('GUARDLINE_BOOTSTRAP_CLIENT_SECRET');
  let bootstrapClient: GuardlineConfig['bootstrapClient'];
  if (bootstrapId && bootstrapSecret) {
    if (!/^[A-Za-z0-9_.-]{8,128}$/.test(bootstrapId)) {
      problems.push('GUARDLINE_BOOTSTRAP_CLIENT_ID: 8–128 characters of letters, digits, `_`, `.` or `-`');
    }
    const secretProblem = chosenClientSecretProblem(bootstrapSecret);
    if (secretProblem) {
      problems.push(
        `GUARDLINE_BOOTSTRAP_CLIENT_SECRET: ${secretProblem}. If the application already exists with a shorter secret, rotate it (POST /api/v2/clients/{id}/rotate-secret) and put the new one here`,
      );
    }
    bootstrapClient = { clientId: bootstrapId, clientSecret: bootstrapSecret };
  } else if (bootstrapId || bootstrapSecret) {
    problems.push('GUARDLINE_BOOTSTRAP_CLIENT_ID and GUARDLINE_BOOTSTRAP_CLIENT_SECRET must be set together');
  }

  const redisUrl = get('GUARDLINE_REDIS_URL');
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) problems.push('GUARDLINE_REDIS_URL: must start with redis:// or rediss://');
  const redisKeyPrefix = get('GUARDLINE_REDIS_KEY_PREFIX') ?? 'guardline:limit:';
  if (!/^[A-Za-z0-9:_.-]{1,64}$/.test(redisKeyPrefix)) problems.push('GUARDLINE_REDIS_KEY_PREFIX: letters, digits and `:_.-`, 1 to 64 characters');

  const logLevel = get('GUARDLINE_LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.has(logLevel)) problems.push(`GUARDLINE_LOG_LEVEL: "${logLevel}" is not one of ${[...LOG_LEVELS].join(', ')}`);

  const trustProxyText = get('GUARDLINE_TRUST_PROXY');
  let trustProxy: boolean | string = false;
  if (trustProxyText === 'true') trustProxy = true;
  else if (trustProxyText && trustProxyText !== 'false') {
    if (!/^[0-9a-fA-F.:/,\s]+$/.test(trustProxyText)) problems.push('GUARDLINE_TRUST_PROXY: `true`, `false`, or a comma-separated list of IP addresses/CIDRs');
    trustProxy = trustProxyText;
  }

  const metricsToken = get('GUARDLINE_METRICS_TOKEN');
  // RFC 6750 b64token, so any HTTP client can send it; long enough not to be guessed.
  if (metricsToken !== undefined && !/^[A-Za-z0-9\-._~+/]{16,512}=*$/.test(metricsToken)) {
    problems.push('GUARDLINE_METRICS_TOKEN: 16–512 characters of letters, digits and `-._~+/` (e.g. `openssl rand -hex 32`)');
  }

  const upstreamSid = get('GUARDLINE_BUILTIN_SMS_TWILIO_ACCOUNT_SID');
  const upstreamToken = get('GUARDLINE_BUILTIN_SMS_TWILIO_AUTH_TOKEN');
  const upstreamFrom = get('GUARDLINE_BUILTIN_SMS_TWILIO_FROM');
  const upstreamApiUrl = get('GUARDLINE_BUILTIN_SMS_TWILIO_API_URL') ?? 'https://api.twilio.com';
  let builtinSmsUpstream: BuiltinSmsUpstream | undefined;
  if (upstreamSid && upstreamToken && upstreamFrom) {
    if (!/^AC[0-9a-fA-F]{32}$/.test(upstreamSid)) problems.push('GUARDLINE_BUILTIN_SMS_TWILIO_ACCOUNT_SID: a Twilio Account SID (AC followed by 32 hex characters)');
    if (!/^(\+[1-9]\d{1,14}|MG[0-9a-fA-F]{32})$/.test(upstreamFrom)) problems.push('GUARDLINE_BUILTIN_SMS_TWILIO_FROM: an E.164 number (+14155550100) or a Messaging Service SID (MG…)');
    if (!/^https?:\/\/[^/]+\/?$/.test(upstreamApiUrl)) problems.push('GUARDLINE_BUILTIN_SMS_TWILIO_API_URL: an http(s) origin without a path');
    builtinSmsUpstream = { accountSid: upstreamSid, authToken: upstreamToken, from: upstreamFrom, apiUrl: upstreamApiUrl.replace(/\/$/, '') };
  } else if (upstreamSid || upstreamToken || upstreamFrom || get('GUARDLINE_BUILTIN_SMS_TWILIO_API_URL')) {
    problems.push('GUARDLINE_BUILTIN_SMS_TWILIO_ACCOUNT_SID, GUARDLINE_BUILTIN_SMS_TWILIO_AUTH_TOKEN and GUARDLINE_BUILTIN_SMS_TWILIO_FROM must be set together (GUARDLINE_BUILTIN_SMS_TWILIO_API_URL only with them)');
  }

  const providerBaseUrls: Record<string, string> = {};
  for (const { env: name } of CONFIG_OPTIONS) {
    if (!name.endsWith('_BASE_URL')) continue;
    const value = get(name);
    if (value === undefined) continue;
    if (!/^https?:\/\/[^/?#]+\/?$/.test(value)) problems.push(`${name}: an http(s) origin without a path, e.g. https://api.example.com`);
    else providerBaseUrls[name] = value.replace(/\/$/, '');
  }
  const integer = (name: ConfigVariable, fallback: number, min: number, max: number): number => {
    const text = get(name);
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < min || value > max) {
      problems.push(`${name}: "${text}" must be an integer from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };
  const delivery: DeliveryConfig = {
    budgetMs: integer('GUARDLINE_DELIVERY_BUDGET_MS', DELIVERY_DEFAULTS.budgetMs, 100, 60_000),
    concurrency: integer('GUARDLINE_DELIVERY_CONCURRENCY', DELIVERY_DEFAULTS.concurrency, 1, 1000),
  };

  const allowPrivate = get('GUARDLINE_ACTIONS_ALLOW_PRIVATE_NETWORK');
  if (allowPrivate !== undefined && allowPrivate !== 'true' && allowPrivate !== 'false') problems.push('GUARDLINE_ACTIONS_ALLOW_PRIVATE_NETWORK: true or false');
  const actions: ActionsConfig = { allowPrivateNetwork: allowPrivate === 'true' };

  let phonePrices: PriceTable = DEFAULT_PRICES;
  const pricesText = get('GUARDLINE_PHONE_PRICES');
  if (pricesText !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(pricesText);
    } catch {
      parsed = undefined;
    }
    const problem = parsed === undefined ? 'not valid JSON' : priceTableProblem(parsed);
    if (problem) problems.push(`GUARDLINE_PHONE_PRICES: ${problem} (e.g. {"default":{"sms":0.0079,"voice":{"default":0.014,"JP":0.1}}})`);
    else phonePrices = parsed as PriceTable;
  }
  const allowHttp = get('GUARDLINE_LOG_STREAMS_ALLOW_HTTP');
  if (allowHttp !== undefined && allowHttp !== 'true' && allowHttp !== 'false') problems.push('GUARDLINE_LOG_STREAMS_ALLOW_HTTP: true or false');
  const logStreams: LogStreamsConfig = {
    allowHttp: allowHttp === 'true',
    suspendAfterMs: integer('GUARDLINE_LOG_STREAMS_SUSPEND_AFTER_HOURS', LOG_STREAMS_DEFAULTS.suspendAfterMs / 3_600_000, 1, 720) * 3_600_000,
  };

  const importMaxBytes = integer('GUARDLINE_IMPORT_MAX_BYTES', IMPORT_MAX_BYTES_DEFAULT, 512_000, 104_857_600);

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    database,
    embedded,
    dataDir,
    redisUrl,
    redisKeyPrefix,
    publicUrl,
    baseDomain: publicUrl.hostname,
    host: get('GUARDLINE_HOST') ?? '127.0.0.1',
    port,
    tls,
    secretKey,
    defaultTenant,
    bootstrapClient,
    logLevel,
    trustProxy,
    metricsToken,
    builtinSmsUpstream,
    providerBaseUrls,
    delivery,
    actions,
    phonePrices,
    logStreams,
    importMaxBytes,
  };
}
