import { LOG_TYPES, type LogType } from '../domain/log-types.js';
import { createSortableIdGenerator } from '../domain/ids.js';
import type { Repositories } from '../store/store.js';
import type { LogFilter, LogRow } from '../store/repositories/logs.js';
import type { RequestContext, ServiceDeps } from './context.js';

export interface LogEntryInput {
  type: LogType;
  description?: string;
  clientId?: string | null;
  clientName?: string | null;
  userId?: string | null;
  userName?: string | null;
  connection?: string | null;
  /** Must already be safe to store: masked phone numbers, never a code or a secret. */
  details?: Record<string, unknown>;
}

/** Auth0's log object shape, as `GET /api/v2/logs` returns it. */
export interface LogEntry {
  log_id: string;
  date: string;
  type: string;
  description: string;
  client_id?: string;
  client_name?: string;
  user_id?: string;
  user_name?: string;
  connection?: string;
  ip?: string;
  user_agent?: string;
  hostname?: string;
  details: Record<string, unknown>;
  tenant_name?: string;
}

/** Keys whose values must never reach the log, wherever they appear in `details`. */
const SECRET_KEYS = /^(password|client_secret|secret|code|otp|binding_code|auth_token|access_token|id_token|refresh_token|mfa_token|authorization)$/i;

/** How deep `details` may go; anything below is dropped rather than stored unscrubbed. */
const MAX_DETAILS_DEPTH = 6;

/** Replaces secret-looking values before an entry is stored: a last line of defence, not the first. */
export function scrubDetails(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DETAILS_DEPTH) return '[truncated]';
  if (Array.isArray(value)) return value.map((v) => scrubDetails(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = SECRET_KEYS.test(key) ? '[redacted]' : scrubDetails(inner, depth + 1);
  }
  return out;
}

export function toLogEntry(row: LogRow): LogEntry {
  const entry: LogEntry = { log_id: row.log_id, date: row.date, type: row.type, description: row.description, details: JSON.parse(row.details) };
  const optional = {
    client_id: row.client_id,
    client_name: row.client_name,
    user_id: row.user_id,
    user_name: row.user_name,
    connection: row.connection,
    ip: row.ip,
    user_agent: row.user_agent,
    hostname: row.hostname,
  } as const;
  for (const [key, value] of Object.entries(optional)) {
    if (value !== null) (entry as unknown as Record<string, unknown>)[key] = value;
  }
  return entry;
}

/**
 * Every row written to `logs` also gets its log stream position (`log_outbox.seq`, migration 0011) from a trigger in
 * the same statement: one round trip, and the position commits or rolls back with the event.
 */
export function createEventLog({ store, clock, random }: Pick<ServiceDeps, 'store' | 'clock' | 'random'>) {
  const newLogId = createSortableIdGenerator(random);

  function toRow(tenantId: string, input: LogEntryInput, context: RequestContext): LogRow {
    const at = clock.now();
    return {
      log_id: newLogId(at),
      tenant_id: tenantId,
      date: at.toISOString(),
      type: input.type,
      description: input.description ?? LOG_TYPES[input.type].event,
      client_id: input.clientId ?? null,
      client_name: input.clientName ?? null,
      user_id: input.userId ?? null,
      user_name: input.userName ?? null,
      connection: input.connection ?? null,
      ip: context.ip ?? null,
      user_agent: context.userAgent ?? null,
      hostname: context.hostname ?? null,
      details: JSON.stringify(scrubDetails(input.details ?? {})),
    };
  }

  return {
    /**
     * Appends one entry. Pass `repos` (a transaction's repositories) to make the entry part of the same
     * transaction as the change it records.
     */
    async record(tenantId: string, input: LogEntryInput, context: RequestContext = {}, repos: Pick<Repositories, 'logs'> = store): Promise<string> {
      const row = toRow(tenantId, input, context);
      await repos.logs.insert(row);
      return row.log_id;
    },

    /**
     * Appends the entries of one operation, in order, in a single statement: one round trip instead of one per
     * event (an MFA exchange writes two or three).
     */
    async recordAll(tenantId: string, inputs: LogEntryInput[], context: RequestContext = {}, repos: Pick<Repositories, 'logs'> = store): Promise<string[]> {
      if (inputs.length === 0) return [];
      const rows = inputs.map((input) => toRow(tenantId, input, context));
      await repos.logs.insertMany(rows);
      return rows.map((r) => r.log_id);
    },

    async list(tenantId: string, filter: LogFilter, page: { offset: number; limit: number; order: 'asc' | 'desc' }, includeTotals: boolean) {
      const rows = await store.logs.list(tenantId, filter, page);
      const total = includeTotals ? await store.logs.count(tenantId, filter) : undefined;
      return { logs: rows.map(toLogEntry), total };
    },

    async get(tenantId: string, logId: string): Promise<LogEntry | undefined> {
      const row = await store.logs.find(tenantId, logId);
      return row ? toLogEntry(row) : undefined;
    },
  };
}

export type EventLog = ReturnType<typeof createEventLog>;
