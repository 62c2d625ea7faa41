import { Type, type TSchema } from '@sinclair/typebox';

/** Shared schema pieces for route definitions (TypeBox, compiled by ajv, typed handlers through the provider). */

/** `additionalProperties: false` everywhere, as Auth0's schemas have it: unknown fields are a 400. */
export const StrictObject = <T extends Parameters<typeof Type.Object>[0]>(properties: T, description?: string) =>
  Type.Object(properties, { additionalProperties: false, ...(description ? { description } : {}) });

export const ManagementErrorBody = Type.Object(
  {
    statusCode: Type.Integer(),
    error: Type.String(),
    message: Type.String(),
    errorCode: Type.String(),
  },
  { description: 'Management API error' },
);

export const OAuthErrorBody = Type.Object(
  { error: Type.String(), error_description: Type.String() },
  { additionalProperties: true, description: 'OAuth error' },
);

/** Auth0's list paging parameters. */
export const PagingQuery = {
  page: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  per_page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
  include_totals: Type.Optional(Type.Boolean({ default: false })),
  ...FieldsQuery(),
};

/**
 * Auth0's field selection: `fields` (comma-separated) kept, or left out with `include_fields=false`. Applied to the
 * serialised answer by the Management surface's one hook (`management/field-selection.ts`), so a route only
 * declares the parameters.
 */
export function FieldsQuery() {
  return {
    fields: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, pattern: '^[A-Za-z0-9_]+(,[A-Za-z0-9_]+)*$', description: 'Comma-separated fields to include (or exclude, with include_fields=false)' })),
    include_fields: Type.Optional(Type.Boolean({ default: true, description: 'Whether `fields` lists the fields to include (true) or to exclude (false)' })),
  };
}

/** Auth0's checkpoint paging (`from` = the previous answer's `next`, `take` = how many), where Auth0 has it. */
export const CheckpointQuery = {
  from: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'The `next` value of the previous page' })),
  take: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Entries per checkpoint page (default 50)' })),
};

/** A list answer with checkpoint paging: Auth0's `{<key>: [...], next?}`. */
export function checkpointResponse<T extends TSchema>(key: string, item: T) {
  return Type.Object({ [key]: Type.Array(item), next: Type.Optional(Type.String()) });
}

export const Metadata = Type.Record(Type.String(), Type.Unknown());

/** Wraps a list response the way Auth0 does when `include_totals=true`. */
export function pagedResponse<T extends TSchema>(key: string, item: T, options: { checkpoint?: boolean } = {}) {
  return Type.Union([
    Type.Array(item),
    Type.Object({ start: Type.Integer(), limit: Type.Integer(), length: Type.Integer(), total: Type.Integer(), [key]: Type.Array(item) }),
    ...(options.checkpoint ? [checkpointResponse(key, item)] : []),
  ]);
}

export function paged<T>(key: string, items: T[], page: { page: number; perPage: number }, total: number | undefined) {
  if (total === undefined) return items;
  return { start: page.page * page.perPage, limit: page.perPage, length: items.length, total, [key]: items };
}
