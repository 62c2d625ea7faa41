import { Type } from '@sinclair/typebox';
import { FieldsQuery, StrictObject } from '../../../schemas.js';

const Channel = Type.Union([Type.Literal('sms'), Type.Literal('voice')]);

/** Auth0's authentication method: `phone|dev_…` (with its `sms|` and `voice|` twins) or `recovery-code|dev_…`. */
export const AuthenticationMethod = Type.Object({
  id: Type.String(),
  type: Type.String({ description: 'phone | recovery-code' }),
  confirmed: Type.Boolean(),
  created_at: Type.String(),
  name: Type.Optional(Type.String()),
  phone_number: Type.Optional(Type.String()),
  preferred_authentication_method: Type.Optional(Channel),
  authentication_methods: Type.Optional(Type.Array(Type.Object({ id: Type.String(), type: Channel }))),
  enrolled_at: Type.Optional(Type.String()),
  last_auth_at: Type.Optional(Type.String()),
});

/** A bare array, or Auth0's `{start, limit, total, authenticators}` with `include_totals=true`. */
export const AuthenticationMethodList = Type.Union([
  Type.Array(AuthenticationMethod),
  Type.Object({ start: Type.Integer(), limit: Type.Integer(), total: Type.Integer(), authenticators: Type.Array(AuthenticationMethod) }),
]);

/** Auth0's paging for this list: `per_page` may be 0 (totals only). */
export const AuthenticationMethodListQuery = StrictObject({
  page: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  // 0 counts without listing (with include_totals), as Auth0 allows on this list.
  per_page: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, default: 50 })),
  include_totals: Type.Optional(Type.Boolean({ default: false })),
  ...FieldsQuery(),
});

export const AuthenticationMethodParams = StrictObject({
  id: Type.String({ minLength: 1, maxLength: 300 }),
  authentication_method_id: Type.String({ minLength: 1, maxLength: 300 }),
});

/** The types Auth0's POST accepts; Guardline creates only `phone`. */
const CREATABLE_TYPES = ['phone', 'email', 'totp', 'webauthn-roaming', 'passkey'] as const;

export const AuthenticationMethodCreateBody = StrictObject({
  type: Type.Union(CREATABLE_TYPES.map((t) => Type.Literal(t)), { description: 'Only phone is supported' }),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
  phone_number: Type.Optional(Type.String({ minLength: 2, maxLength: 30, description: 'E.164, e.g. +14155550100' })),
  preferred_authentication_method: Type.Optional(Channel),
});
