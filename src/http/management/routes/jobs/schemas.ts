import { Type } from '@sinclair/typebox';
import { SENSITIVE } from '../../../no-store.js';
import { StrictObject } from '../../../schemas.js';

const ExportField = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    export_as: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    include_secrets: Type.Optional(Type.Boolean({ description: 'Guardline extension: the full value of mfa_factors (phone numbers) or password_hash. Sensitive.' })),
  },
  { additionalProperties: false },
);

/** Auth0's job object (import and export). */
export const Job = Type.Object({
  id: Type.String(),
  type: Type.Union([Type.Literal('users_import'), Type.Literal('users_export')]),
  status: Type.Union([Type.Literal('pending'), Type.Literal('processing'), Type.Literal('completed'), Type.Literal('failed')]),
  created_at: Type.String(),
  connection_id: Type.Optional(Type.String()),
  connection: Type.Optional(Type.String()),
  external_id: Type.Optional(Type.String()),
  summary: Type.Optional(Type.Object({ failed: Type.Integer(), updated: Type.Integer(), inserted: Type.Integer(), total: Type.Integer() })),
  format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
  limit: Type.Optional(Type.Integer()),
  fields: Type.Optional(Type.Array(ExportField)),
  location: Type.Optional(Type.String({ [SENSITIVE]: true, description: 'The download link of a completed export: a secret until it expires' })),
  time_left_seconds: Type.Optional(Type.Integer()),
});

export const JobIdParams = StrictObject({ id: Type.String({ pattern: '^job_[A-Za-z0-9]{16}$', description: 'job_ + 16 letters or digits' }) });

const ConnectionId = Type.String({ pattern: '^con_[A-Za-z0-9]{16}$' });

/** The multipart form of an import, after acceptMultipart turned it into an object. */
export const ImportForm = StrictObject({
  users: Type.String({ description: 'The users file: a JSON array in Auth0’s bulk import schema (ndjson accepted)' }),
  connection_id: ConnectionId,
  upsert: Type.Optional(Type.Boolean()),
  external_id: Type.Optional(Type.String({ maxLength: 255 })),
  send_completion_email: Type.Optional(Type.Boolean()),
});

export const ExportBody = StrictObject({
  connection_id: Type.Optional(ConnectionId),
  format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
  limit: Type.Optional(Type.Integer({ minimum: 1 })),
  fields: Type.Optional(Type.Array(ExportField, { minItems: 1, maxItems: 60 })),
});

export const JobErrors = Type.Array(
  Type.Object({
    user: Type.Record(Type.String(), Type.Unknown()),
    errors: Type.Array(Type.Object({ code: Type.String(), message: Type.String(), path: Type.String() })),
  }),
);
