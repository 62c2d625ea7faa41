/**
 * The one configuration schema. Each option is documented in place; `docs/configuration.md` mirrors this
 * table (a test checks that every variable here appears there).
 */
export interface ConfigOption {
  /** Environment variable name (also the key in the optional JSON config file). */
  env: string;
  description: string;
  /** Default shown in the docs; the loader computes the real default. */
  defaultText: string;
}

export const CONFIG_OPTIONS = [
  {
    env: 'GUARDLINE_DATABASE_URL',
    description:
      'Where durable state lives. `postgres://…` (or `postgresql://…`) for production; `sqlite:<path>` for an embedded file.',
    defaultText: 'embedded SQLite file `<data dir>/guardline.db`',
  },
  {
    env: 'GUARDLINE_DATA_DIR',
    description: 'Directory for the embedded database and the generated secret key. Created if missing.',
    defaultText: '`./data`',
  },
  {
    env: 'GUARDLINE_REDIS_URL',
    description:
      'Redis for the rate limits (sends, wrong codes, token exchanges), shared by every Guardline process (`redis://host:port/db`). Optional: without it the buckets live in the database (durable across restarts, shared by every node on the same PostgreSQL), at one small write per limited step. Set it for many nodes or heavy traffic. While Redis is unreachable, limited requests are refused with 503.',
    defaultText: 'none (limits in the database)',
  },
  {
    env: 'GUARDLINE_REDIS_KEY_PREFIX',
    description:
      'Prefix of every key Guardline writes to Redis, so several installations (or a staging and a production fleet) can share one Redis without sharing buckets. Every node of one installation must use the same prefix. Letters, digits and `:_.-`, at most 64 characters.',
    defaultText: '`guardline:limit:`',
  },
  {
    env: 'GUARDLINE_PUBLIC_URL',
    description:
      'The URL users and SDKs reach Guardline at. Its host is the base domain: tenant `acme` is served at `acme.<host>`.',
    defaultText: '`http://localhost:<port>` (or `https://…` when TLS is configured)',
  },
  {
    env: 'GUARDLINE_HOST',
    description: 'Interface to listen on. Use `0.0.0.0` inside a container.',
    defaultText: '`127.0.0.1`',
  },
  { env: 'GUARDLINE_PORT', description: 'TCP port to listen on (0 picks a free port and prints it).', defaultText: '`3000`' },
  {
    env: 'GUARDLINE_TLS_CERT',
    description: 'Path of a PEM certificate (chain). With `GUARDLINE_TLS_KEY`, Guardline listens on HTTPS.',
    defaultText: 'none (plain HTTP)',
  },
  { env: 'GUARDLINE_TLS_KEY', description: 'Path of the PEM private key for `GUARDLINE_TLS_CERT`.', defaultText: 'none' },
  {
    env: 'GUARDLINE_SECRET_KEY',
    description:
      'Key for encryption at rest: 32 bytes as 64 hex characters or base64. Required with PostgreSQL; in embedded mode it is generated once into `<data dir>/secret.key`. Client secrets are hashed under a key derived from it: changing it invalidates every client secret (rotate them).',
    defaultText: 'generated (embedded mode only)',
  },
  {
    env: 'GUARDLINE_DEFAULT_TENANT',
    description: 'Name of the tenant served on the base domain itself and on hosts that map to no tenant.',
    defaultText: '`default`',
  },
  {
    env: 'GUARDLINE_BOOTSTRAP_CLIENT_ID',
    description:
      "When set with the secret, the first start creates the default tenant's administrative machine-to-machine application with exactly these credentials and every Management API scope.",
    defaultText: 'none (credentials are generated and printed once)',
  },
  {
    env: 'GUARDLINE_BOOTSTRAP_CLIENT_SECRET',
    description:
      'Secret for `GUARDLINE_BOOTSTRAP_CLIENT_ID`: 32–512 random characters (e.g. `openssl rand -hex 32`). Client secrets are checked with a fast keyed hash, so the length is the strength; a shorter one stops the start.',
    defaultText: 'none',
  },
  {
    env: 'GUARDLINE_TRUST_PROXY',
    description:
      'Behind a load balancer: `true` to trust every proxy, or a comma-separated list of proxy addresses/CIDRs, so client IPs in the event log come from `X-Forwarded-For`.',
    defaultText: 'none (the socket address is the client)',
  },
  {
    env: 'GUARDLINE_PHONE_PRICES',
    description:
      'Estimated price of one message, for budget caps and cost usage triggers (docs/security.md): JSON by provider id (or `default`) and channel, each a number or an object by ISO country with a `default`, e.g. `{"default":{"sms":0.0079,"voice":0.014},"twilio":{"sms":{"default":0.0079,"JP":0.0735}}}`. Amounts in your billing currency.',
    defaultText: '`{"default":{"sms":0.05,"voice":0.1}}` (a deliberately high placeholder)',
  },
  {
    env: 'GUARDLINE_METRICS_TOKEN',
    description:
      'Bearer token that `GET /metrics` (Prometheus, docs/metrics.md) requires: the scraper sends `Authorization: Bearer <token>`. 16–512 characters of letters, digits and `-._~+/` (e.g. `openssl rand -hex 32`). Set it in production. Without it, `/metrics` answers only requests whose TCP peer is a loopback address (127.0.0.0/8, ::1), whatever `X-Forwarded-For` says, and 403 to everyone else.',
    defaultText: 'none (loopback peers only)',
  },
  {
    env: 'GUARDLINE_LOG_LEVEL',
    description: 'pino log level: `fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`.',
    defaultText: '`info`',
  },
  {
    env: 'GUARDLINE_BUILTIN_SMS_TWILIO_ACCOUNT_SID',
    description:
      'Gives the built-in test provider (`auth0`) a real upstream: with the auth token and sender below, its messages are sent by SMS through this Twilio account instead of landing in the dev inbox. Still capped at 100 messages per tenant. Instance-wide.',
    defaultText: 'none (messages go to the dev inbox)',
  },
  { env: 'GUARDLINE_BUILTIN_SMS_TWILIO_AUTH_TOKEN', description: 'Auth token of `GUARDLINE_BUILTIN_SMS_TWILIO_ACCOUNT_SID`.', defaultText: 'none' },
  {
    env: 'GUARDLINE_BUILTIN_SMS_TWILIO_FROM',
    description: 'Sender for the built-in upstream: an E.164 number or a Messaging Service SID (`MG…`).',
    defaultText: 'none',
  },
  {
    env: 'GUARDLINE_BUILTIN_SMS_TWILIO_API_URL',
    description: 'Base URL of the Twilio REST API for the built-in upstream (a regional edge, or a test double).',
    defaultText: '`https://api.twilio.com`',
  },
  {
    env: 'GUARDLINE_TWILIO_BASE_URL',
    description: 'Base URL of the Twilio REST API for tenants whose delivery chain uses Twilio (a regional edge, an egress proxy, or a test double). An http(s) origin without a path.',
    defaultText: '`https://api.twilio.com`',
  },
  {
    env: 'GUARDLINE_TWILIO_VERIFY_BASE_URL',
    description: "Base URL of the Twilio Verify API for actions that use the bundled `twilio` module's `verify.v2.services(…).verifications` (an egress proxy or a test double).",
    defaultText: '`https://verify.twilio.com`',
  },
  {
    env: 'GUARDLINE_SNS_BASE_URL',
    description: "Amazon SNS API base URL for tenants' `sns` providers; `{region}` is replaced by the configuration's region (a VPC endpoint, a proxy, or a test double).",
    defaultText: '`https://sns.{region}.amazonaws.com`',
  },
  {
    env: 'GUARDLINE_VONAGE_BASE_URL',
    description: "Vonage SMS API base URL for tenants' `vonage` providers.",
    defaultText: '`https://rest.nexmo.com`',
  },
  {
    env: 'GUARDLINE_INFOBIP_BASE_URL',
    description: "Infobip API base URL for tenants' `infobip` providers (an account's personal base URL, e.g. `https://xxxxx.api.infobip.com`).",
    defaultText: '`https://api.infobip.com`',
  },
  {
    env: 'GUARDLINE_TELESIGN_BASE_URL',
    description: "Telesign REST API base URL for tenants' `telesign` providers.",
    defaultText: '`https://rest-ww.telesign.com`',
  },
  {
    env: 'GUARDLINE_ESENDEX_BASE_URL',
    description: "Esendex REST API base URL for tenants' `esendex` providers.",
    defaultText: '`https://api.esendex.com`',
  },
  {
    env: 'GUARDLINE_CLICKSEND_BASE_URL',
    description: "ClickSend REST API base URL for tenants' `clicksend` providers.",
    defaultText: '`https://rest.clicksend.com`',
  },
  {
    env: 'GUARDLINE_MITTO_BASE_URL',
    description: "Mitto SMS API base URL for tenants' `mitto` providers (a regional endpoint, a proxy, or a test double).",
    defaultText: '`https://rest.mittoapi.net`',
  },
  {
    env: 'GUARDLINE_DELIVERY_BUDGET_MS',
    description:
      "Time budget of one send across the tenant's whole provider chain, in milliseconds (100–60000). Each provider's request is aborted when the budget runs out; a transient failure moves on to the next provider only while budget is left.",
    defaultText: '`5000`',
  },
  {
    env: 'GUARDLINE_DELIVERY_CONCURRENCY',
    description:
      'Sends in flight at once per provider configuration on one node (1–1000). A further send to the same provider configuration is refused at once (and fails over) instead of queueing, so a slow provider of one tenant never holds up other requests.',
    defaultText: '`20`',
  },
  {
    env: 'GUARDLINE_ACTIONS_ALLOW_PRIVATE_NETWORK',
    description:
      "`true` lets tenants' actions `fetch` loopback, private and link-local addresses (development and tests: a provider fake on 127.0.0.1). Off by default, so tenant code cannot reach the operator's network (the check is made after DNS resolution).",
    defaultText: '`false`',
  },
  {
    env: 'GUARDLINE_LOG_STREAMS_ALLOW_HTTP',
    description:
      '`true` lets log streams deliver to plain `http://` endpoints (development and tests: a sink on 127.0.0.1). Off by default: a sink must be `https://`, since batches carry the events and the `httpAuthorization` header.',
    defaultText: '`false`',
  },
  {
    env: 'GUARDLINE_LOG_STREAMS_SUSPEND_AFTER_HOURS',
    description:
      'How long a log stream\'s sink may fail without a single success before the stream is `suspended` (1–720 hours). Delivery is retried with exponential back-off (1 s doubling up to 5 min) until then; `PATCH` with `status: "active"` resumes from the last delivered event.',
    defaultText: '`24`',
  },
  {
    env: 'GUARDLINE_IMPORT_MAX_BYTES',
    description:
      "Largest users file one import job (`POST /api/v2/jobs/users-imports`) accepts, in bytes (512000–104857600). Auth0's limit is 500 KB (512000); a larger value is a Guardline extension, so a file Auth0 would refuse need not be split.",
    defaultText: '`10485760` (10 MiB)',
  },
  {
    env: 'GUARDLINE_CONFIG_FILE',
    description:
      'Optional JSON file whose keys are the variable names above. Environment variables win over the file.',
    defaultText: 'none',
  },
] as const satisfies readonly ConfigOption[];

export type ConfigVariable = (typeof CONFIG_OPTIONS)[number]['env'];
