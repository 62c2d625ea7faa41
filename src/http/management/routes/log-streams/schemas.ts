import { Type } from '@sinclair/typebox';
import { StrictObject } from '../../../schemas.js';
import { CONTENT_FORMATS, PII_FIELDS } from '../../../../services/log-streams/records.js';

export const LogStreamIdParams = StrictObject({ id: Type.String({ minLength: 1, maxLength: 64 }) });

const Filter = StrictObject({ type: Type.Literal('category'), name: Type.String({ minLength: 1, maxLength: 100, pattern: '^[a-z_]+(\\.[a-z_]+)*$' }) });
const Filters = Type.Array(Filter, { maxItems: 50 });

const PiiConfig = StrictObject({
  log_fields: Type.Array(Type.Union(PII_FIELDS.map((f) => Type.Literal(f))), { minItems: 1, maxItems: PII_FIELDS.length }),
  method: Type.Union([Type.Literal('mask'), Type.Literal('hash')]),
  algorithm: Type.Optional(Type.Literal('xxhash')),
});

/**
 * The sink is checked by the service: which fields a sink has depends on `type`, and a type other than `http` must
 * be refused with a message that says so (not with "unknown property datadogApiKey").
 */
const Sink = Type.Object({}, { additionalProperties: true });

export const LogStreamBody = StrictObject({
  name: Type.String({ minLength: 1, maxLength: 128 }),
  type: Type.String({ minLength: 1, maxLength: 64 }),
  sink: Sink,
  filters: Type.Optional(Filters),
  pii_config: Type.Optional(PiiConfig),
  isPriority: Type.Optional(Type.Boolean()),
  startFrom: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
});

export const LogStreamPatchBody = StrictObject({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('paused')])),
  sink: Type.Optional(Sink),
  filters: Type.Optional(Filters),
  pii_config: Type.Optional(Type.Union([PiiConfig, Type.Null()])),
  isPriority: Type.Optional(Type.Boolean()),
});

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const LogStream = Type.Object({
  id: Type.String(),
  name: Type.String(),
  type: Type.Literal('http'),
  status: Type.Union([Type.Literal('active'), Type.Literal('paused'), Type.Literal('suspended')]),
  sink: Type.Object({
    httpEndpoint: Type.String(),
    httpContentFormat: Type.Union(CONTENT_FORMATS.map((f) => Type.Literal(f))),
    httpContentType: Type.String(),
    httpCustomHeaders: Type.Array(Type.Object({ header: Type.String(), value: Type.String() })),
    /** masked: the scheme and asterisks */
    httpAuthorization: Type.Optional(Type.String()),
  }),
  filters: Type.Optional(Type.Array(Type.Object({ type: Type.String(), name: Type.String() }))),
  pii_config: Type.Optional(Type.Object({ log_fields: Type.Array(Type.String()), method: Type.String(), algorithm: Type.Optional(Type.String()) })),
  isPriority: Type.Boolean(),
  health: Type.Optional(Type.Object({
    last_delivered_log_id: Nullable(Type.String()),
    last_delivered_at: Nullable(Type.String()),
    lag: Type.Integer(),
    last_error: Nullable(Type.String()),
    last_error_at: Nullable(Type.String()),
    consecutive_failures: Type.Integer(),
    failing_since: Nullable(Type.String()),
    next_attempt_at: Nullable(Type.String()),
    suspended_reason: Nullable(Type.String()),
  })),
});
