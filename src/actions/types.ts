/**
 * The contracts of tenant code (Auth0 Actions, issue 11), shared by the sandbox (`src/actions/sandbox/`), the
 * Actions Management API (`src/services/actions/`) and the delivery that runs actions (`src/actions/delivery/`).
 * Nothing here does I/O.
 */

/** The two triggers Guardline runs: Auth0's classic phone factor hook and the Unified Phone custom provider. */
export const ACTION_TRIGGERS = ['send-phone-message', 'custom-phone-provider'] as const;
export type ActionTriggerId = (typeof ACTION_TRIGGERS)[number];

/** The function each trigger's module must export. */
export const TRIGGER_HANDLERS: Record<ActionTriggerId, string> = {
  'send-phone-message': 'onExecuteSendPhoneMessage',
  'custom-phone-provider': 'onExecuteCustomPhoneProvider',
};

/**
 * npm packages an action may `require`: Guardline cannot install packages at run time, so it bundles small,
 * vetted implementations of the parts of these packages that phone delivery uses (docs/actions.md lists what
 * each covers). Any other dependency is refused with 400 when the action is created or updated.
 */
export const VETTED_MODULES = ['twilio', 'aws-sdk', '@aws-sdk/client-sns', 'axios'] as const;
export type VettedModuleName = (typeof VETTED_MODULES)[number];

/** One `api.cache` record as Auth0 returns it: `expires_at` in milliseconds since the epoch. */
export interface CacheRecord {
  value: string;
  expires_at: number;
}

/** What an execution did to `api.cache`, applied by the host after the run (in order). */
export type CacheWrite = { op: 'set'; key: string; value: string; expires_at: number } | { op: 'delete'; key: string };

/** Where an action's `fetch` may go. */
export interface NetworkPolicy {
  /** `GUARDLINE_ACTIONS_ALLOW_PRIVATE_NETWORK`: loopback, private and link-local addresses allowed (development, tests). */
  allowPrivateNetwork: boolean;
  /** The tenant's allow-list of host names (exact, or `*.example.com`); null = any public host. */
  allowedHosts: readonly string[] | null;
}

/** The sandbox's limits for one execution (defaults: ACTION_LIMITS in src/limits). */
export interface SandboxLimits {
  /** Heap of the isolate, MB (isolated-vm minimum 8). */
  memoryMb: number;
  /** CPU time the action may use, ms, across awaits. */
  cpuMs: number;
  /** Wall-clock time of the whole execution, ms, including awaited fetches: the watchdog disposes the isolate after it. */
  wallMs: number;
  /** Captured console output, bytes; the rest is cut and `logsTruncated` set. */
  logBytes: number;
  /** Each fetch: its timeout, the largest response body it reads, and how many fetches one execution may make. */
  fetchTimeoutMs: number;
  fetchMaxResponseBytes: number;
  fetchMaxRequests: number;
}

/** One run of one deployed action version. */
export interface ExecutionRequest {
  tenantId: string;
  /** Identifies the compiled script: a deployed version never changes, so `${actionId}:${versionId}` is a safe cache key. */
  versionKey: string;
  code: string;
  trigger: ActionTriggerId;
  /** The event object, JSON-serialisable; copied into the isolate (the action's changes never reach the host). */
  event: Record<string, unknown>;
  /** The tenant's cache for this trigger at the start of the run (expired records already left out). */
  cache: Readonly<Record<string, CacheRecord>>;
  network: NetworkPolicy;
  /** Vendor API base URLs the vetted modules use (`twilio`, `twilioVerify`, `sns`), from configuration; no trailing slash. */
  vendorBaseUrls: Readonly<Record<string, string>>;
  /** Strings to mask in captured output besides phone numbers (the event's secret values, the code). */
  redact: readonly string[];
  limits: SandboxLimits;
}

export type ExecutionErrorKind =
  /** the code does not compile, or does not export the trigger's handler */
  | 'invalid_code'
  /** the handler threw or rejected (any value, not only an Error) */
  | 'exception'
  | 'wall_time_exceeded'
  | 'cpu_time_exceeded'
  | 'memory_exceeded'
  /** `require` of a module that is not vetted */
  | 'module_not_found';

export interface FetchRecord {
  method: string;
  /** Scheme, host and path only (no query: it may hold credentials). */
  url: string;
  status?: number;
  /** Why the request was refused or failed: `forbidden_address`, `host_not_allowed`, `timeout`, `too_large`, `network_error`, `too_many_requests`, `invalid_request`. */
  error?: string;
  durationMs: number;
}

export interface ExecutionResult {
  ok: boolean;
  error?: { kind: ExecutionErrorKind; message: string };
  /** `api.notification.drop/retry` (custom-phone-provider): the last call wins; reason ≤ 1024 characters. */
  notification?: { action: 'drop' | 'retry'; reason: string };
  cacheWrites: CacheWrite[];
  /** console output, one entry per call, phone numbers and `redact` strings masked, capped at `limits.logBytes`. */
  logs: string[];
  logsTruncated: boolean;
  fetches: FetchRecord[];
  startedAt: Date;
  durationMs: number;
  cpuMs: number;
}

export interface ActionSandbox {
  execute(request: ExecutionRequest): Promise<ExecutionResult>;
  /** Disposes every cached isolate (shutdown, tests). */
  close(): Promise<void>;
}
