import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { LOG_STREAMS_DEFAULTS } from '../../config/load.js';
import { newId } from '../../domain/ids.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors/errors.js';
import type { LogStreamPatch, LogStreamRow } from '../../store/repositories/log-streams.js';
import type { ServiceDeps } from '../context.js';
import type { Tenant } from '../tenants.js';
import { CONTENT_FORMATS, PII_FIELDS, type ContentFormat, type PiiConfig, type StreamFilter } from './records.js';

/** Auth0 limits the log streams of a tenant; so does Guardline. */
export const MAX_LOG_STREAMS_PER_TENANT = 10;
export const STREAM_STATUSES = ['active', 'paused', 'suspended'] as const;
export type StreamStatus = (typeof STREAM_STATUSES)[number];

/** Headers a stream may not set: the request's framing, and the two Guardline sets itself. */
const RESERVED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'content-type', 'authorization', 'te', 'upgrade', 'keep-alive', 'expect']);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;

/** The `http` sink, as a client sends it (checked here, since other stream types have other sinks). */
export const HttpSinkInput = Type.Object(
  {
    httpEndpoint: Type.String({ minLength: 1, maxLength: 2048 }),
    httpAuthorization: Type.Optional(Type.String({ maxLength: 4096 })),
    httpContentFormat: Type.Optional(Type.Union(CONTENT_FORMATS.map((f) => Type.Literal(f)))),
    httpContentType: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    httpCustomHeaders: Type.Optional(Type.Array(Type.Object({ header: Type.String({ minLength: 1 }), value: Type.String({ maxLength: 4096 }) }, { additionalProperties: false }), { maxItems: 20 })),
  },
  { additionalProperties: false },
);
type HttpSinkInput = Static<typeof HttpSinkInput>;
const HttpSinkPatch = Type.Partial(HttpSinkInput, { additionalProperties: false });

/** The sink as stored (`httpAuthorization` is sealed in a column of its own). */
export interface StoredSink {
  httpEndpoint: string;
  httpContentFormat: ContentFormat;
  httpContentType: string;
  httpCustomHeaders: Array<{ header: string; value: string }>;
}

export interface LogStreamInput {
  name: string;
  type: string;
  sink: Record<string, unknown>;
  filters?: StreamFilter[];
  pii_config?: PiiConfig;
  isPriority?: boolean;
  /** a log_id (delivery starts with that event) or an ISO 8601 date (events from then on); default: new events only */
  startFrom?: string;
}

export interface LogStreamUpdate {
  name?: string;
  status?: 'active' | 'paused';
  sink?: Record<string, unknown>;
  filters?: StreamFilter[];
  /** null removes it */
  pii_config?: PiiConfig | null;
  isPriority?: boolean;
}

export interface LogStreamView {
  id: string;
  name: string;
  type: 'http';
  status: StreamStatus;
  sink: { httpEndpoint: string; httpContentFormat: ContentFormat; httpContentType: string; httpCustomHeaders: Array<{ header: string; value: string }>; httpAuthorization?: string };
  filters?: StreamFilter[];
  pii_config?: PiiConfig;
  isPriority: boolean;
  /** Guardline extension: where delivery stands. */
  health: {
    last_delivered_log_id: string | null;
    last_delivered_at: string | null;
    /** the tenant's events not yet delivered (before filters) */
    lag: number;
    last_error: string | null;
    last_error_at: string | null;
    consecutive_failures: number;
    failing_since: string | null;
    next_attempt_at: string | null;
    suspended_reason: string | null;
  };
}

/** An authorization value as responses show it: the scheme, if any, and asterisks. Never the secret. */
export function maskAuthorization(value: string): string {
  const scheme = /^([A-Za-z][A-Za-z0-9-]*) +\S/.exec(value);
  return scheme ? `${scheme[1]} ********` : '********';
}

function checkSink(input: unknown, schema: typeof HttpSinkInput | typeof HttpSinkPatch): void {
  const first = [...Value.Errors(schema, input)][0];
  if (first) throw new ValidationError(`Payload validation error: 'sink${first.path.replace(/\//g, '.')}: ${first.message}'.`);
}

export function createLogStreams(deps: Pick<ServiceDeps, 'store' | 'clock' | 'random' | 'secretBox' | 'config'>) {
  const { store, clock, random, secretBox } = deps;
  const settings = { ...LOG_STREAMS_DEFAULTS, ...deps.config.logStreams };

  function endpoint(url: string): string {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ValidationError('sink.httpEndpoint: not a valid URL');
    }
    if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && settings.allowHttp)) {
      throw new ValidationError(`sink.httpEndpoint: must be an https:// URL${settings.allowHttp ? ' or an http:// one' : ''}`);
    }
    if (parsed.username || parsed.password) throw new ValidationError('sink.httpEndpoint: no credentials in the URL; use sink.httpAuthorization');
    return parsed.toString();
  }

  function headers(list: Array<{ header: string; value: string }>): Array<{ header: string; value: string }> {
    const seen = new Set<string>();
    for (const { header, value } of list) {
      if (!HEADER_NAME.test(header)) throw new ValidationError(`sink.httpCustomHeaders: "${header}" is not a valid header name`);
      const lower = header.toLowerCase();
      if (RESERVED_HEADERS.has(lower)) throw new ValidationError(`sink.httpCustomHeaders: "${header}" cannot be set (use httpContentType or httpAuthorization)`);
      if (seen.has(lower)) throw new ValidationError(`sink.httpCustomHeaders: "${header}" is given twice`);
      if (/[\r\n\0]/.test(value)) throw new ValidationError(`sink.httpCustomHeaders: the value of "${header}" has a line break`);
      seen.add(lower);
    }
    return list.map(({ header, value }) => ({ header, value }));
  }

  function authorization(value: string | undefined): string | null | undefined {
    if (value === undefined) return undefined;
    if (/[\r\n\0]/.test(value)) throw new ValidationError('sink.httpAuthorization: has a line break');
    return value === '' ? null : secretBox.seal(value);
  }

  function filters(list: StreamFilter[] | undefined): string | null {
    if (!list || list.length === 0) return null;
    return JSON.stringify(list.map((f) => ({ type: f.type, name: f.name })));
  }

  function pii(config: PiiConfig | null | undefined): string | null {
    if (!config) return null;
    if (new Set(config.log_fields).size !== config.log_fields.length) throw new ValidationError('pii_config.log_fields: a field is listed twice');
    return JSON.stringify({ log_fields: config.log_fields, method: config.method, ...(config.algorithm ? { algorithm: config.algorithm } : {}) });
  }

  async function startCursor(tenantId: string, startFrom: string | undefined): Promise<number> {
    if (startFrom === undefined) return store.logStreams.maxSeq();
    if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(startFrom)) {
      const at = Date.parse(startFrom);
      if (Number.isNaN(at)) throw new ValidationError(`startFrom: "${startFrom}" is not a valid date`);
      const first = await store.logStreams.firstSeqFrom(new Date(at).toISOString());
      return first === undefined ? store.logStreams.maxSeq() : first - 1;
    }
    const seq = await store.logStreams.seqOfLog(tenantId, startFrom);
    if (seq === undefined) throw new ValidationError(`startFrom: no event with log_id "${startFrom}" (or it is older than the outbox keeps)`);
    return seq - 1;
  }

  async function view(row: LogStreamRow): Promise<LogStreamView> {
    const sink = JSON.parse(row.sink) as StoredSink;
    const out: LogStreamView = {
      id: row.id,
      name: row.name,
      type: 'http',
      status: row.status as StreamStatus,
      sink: { ...sink, ...(row.authorization ? { httpAuthorization: maskAuthorization(secretBox.open(row.authorization)) } : {}) },
      isPriority: row.is_priority === 1,
      health: {
        last_delivered_log_id: row.last_log_id,
        last_delivered_at: row.last_delivered_at,
        lag: await store.logStreams.pending(row.tenant_id, Number(row.cursor_seq)),
        last_error: row.last_error,
        last_error_at: row.last_error_at,
        consecutive_failures: row.consecutive_failures,
        failing_since: row.failing_since,
        next_attempt_at: row.status === 'active' ? row.next_attempt_at : null,
        suspended_reason: row.suspended_reason,
      },
    };
    if (row.filters) out.filters = JSON.parse(row.filters);
    if (row.pii_config) out.pii_config = JSON.parse(row.pii_config);
    return out;
  }

  async function found(tenant: Tenant, id: string): Promise<LogStreamRow> {
    const row = await store.logStreams.find(tenant.id, id);
    if (!row) throw new NotFoundError('log_stream', 'The log stream does not exist.');
    return row;
  }

  return {
    async create(tenant: Tenant, input: LogStreamInput): Promise<LogStreamView> {
      if (input.type !== 'http') throw new ValidationError(`type: Guardline streams logs to "http" sinks only, not "${input.type}"`);
      checkSink(input.sink, HttpSinkInput);
      const sinkInput = input.sink as HttpSinkInput;
      const sink: StoredSink = {
        httpEndpoint: endpoint(sinkInput.httpEndpoint),
        httpContentFormat: sinkInput.httpContentFormat ?? 'JSONARRAY',
        httpContentType: sinkInput.httpContentType ?? 'application/json',
        httpCustomHeaders: headers(sinkInput.httpCustomHeaders ?? []),
      };
      const sealed = authorization(sinkInput.httpAuthorization) ?? null;
      const piiJson = pii(input.pii_config);
      if ((await store.logStreams.count(tenant.id)) >= MAX_LOG_STREAMS_PER_TENANT) {
        throw new ConflictError('log_stream_limit', 'You have reached the maximum number of log streams for your account');
      }
      const now = clock.now().toISOString();
      const row: LogStreamRow = {
        id: newId.logStream(random),
        tenant_id: tenant.id,
        name: input.name,
        type: 'http',
        status: 'active',
        sink: JSON.stringify(sink),
        authorization: sealed,
        filters: filters(input.filters),
        pii_config: piiJson,
        is_priority: input.isPriority ? 1 : 0,
        cursor_seq: await startCursor(tenant.id, input.startFrom),
        last_log_id: null,
        last_delivered_at: null,
        last_error: null,
        last_error_at: null,
        consecutive_failures: 0,
        failing_since: null,
        suspended_reason: null,
        next_attempt_at: now,
        lease_until: null,
        lease_owner: null,
        created_at: now,
        updated_at: now,
      };
      await store.logStreams.insert(row);
      return view(row);
    },

    async list(tenant: Tenant): Promise<LogStreamView[]> {
      return Promise.all((await store.logStreams.list(tenant.id)).map(view));
    },

    async get(tenant: Tenant, id: string): Promise<LogStreamView> {
      return view(await found(tenant, id));
    },

    /**
     * Auth0's PATCH. `status: "active"` on a paused or suspended stream resumes delivery from its cursor (the last
     * event the sink acknowledged) at once, with the failure count reset.
     */
    async update(tenant: Tenant, id: string, patch: LogStreamUpdate): Promise<LogStreamView> {
      const current = await found(tenant, id);
      const now = clock.now().toISOString();
      const set: LogStreamPatch = { updated_at: now };
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.sink !== undefined) {
        checkSink(patch.sink, HttpSinkPatch);
        const sinkPatch = patch.sink as Partial<HttpSinkInput>;
        const sink = JSON.parse(current.sink) as StoredSink;
        if (sinkPatch.httpEndpoint !== undefined) sink.httpEndpoint = endpoint(sinkPatch.httpEndpoint);
        if (sinkPatch.httpContentFormat !== undefined) sink.httpContentFormat = sinkPatch.httpContentFormat;
        if (sinkPatch.httpContentType !== undefined) sink.httpContentType = sinkPatch.httpContentType;
        if (sinkPatch.httpCustomHeaders !== undefined) sink.httpCustomHeaders = headers(sinkPatch.httpCustomHeaders);
        set.sink = JSON.stringify(sink);
        const sealed = authorization(sinkPatch.httpAuthorization);
        if (sealed !== undefined) set.authorization = sealed;
        // a fixed sink is tried at once, not at the end of the current back-off
        if (current.status === 'active') set.next_attempt_at = now;
      }
      if (patch.filters !== undefined) set.filters = filters(patch.filters);
      if (patch.pii_config !== undefined) set.pii_config = pii(patch.pii_config);
      if (patch.isPriority !== undefined) set.is_priority = patch.isPriority ? 1 : 0;
      if (patch.status !== undefined && patch.status !== current.status) {
        set.status = patch.status;
        if (patch.status === 'active') Object.assign(set, { consecutive_failures: 0, failing_since: null, suspended_reason: null, next_attempt_at: now });
      }
      if (!(await store.logStreams.update(tenant.id, id, set))) throw new NotFoundError('log_stream', 'The log stream does not exist.');
      return view(await found(tenant, id));
    },

    /**
     * Every stream's lag (its tenant's events after its cursor), in the `{stream, lag}` shape of a metrics lag source
     * (`guardline_log_stream_lag`).
     */
    async lagSamples(): Promise<Array<{ stream: string; lag: number }>> {
      const rows = await store.logStreams.all();
      return Promise.all(rows.map(async (r) => ({ stream: r.id, lag: await store.logStreams.pending(r.tenant_id, Number(r.cursor_seq)) })));
    },

    async remove(tenant: Tenant, id: string): Promise<void> {
      if (!(await store.logStreams.delete(tenant.id, id))) throw new NotFoundError('log_stream', 'The log stream does not exist.');
    },
  };
}

export type LogStreams = ReturnType<typeof createLogStreams>;
export { PII_FIELDS };
