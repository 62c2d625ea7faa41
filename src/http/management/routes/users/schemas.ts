import { Type } from '@sinclair/typebox';
import { SUPPORTED_LOCALES } from '../../../../services/tenants.js';
import { Metadata, StrictObject } from '../../../schemas.js';

const name = Type.String({ minLength: 1, maxLength: 150 });
const NullableMetadata = Type.Union([Metadata, Type.Null()]);

/** Fields a user can be created or updated with (Auth0's names; `locale` is Guardline's: `en` or `ja`). */
const UserFields = {
  email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
  username: Type.Optional(Type.String({ minLength: 1, maxLength: 128, pattern: '^[^@\\s]+$' })),
  // Length and strength are the connection's password policy, checked by the service (password_strength_error).
  password: Type.Optional(Type.String()),
  phone_number: Type.Optional(Type.String({ pattern: '^\\+[1-9][0-9]{1,14}$' })),
  email_verified: Type.Optional(Type.Boolean()),
  blocked: Type.Optional(Type.Boolean()),
  given_name: Type.Optional(name),
  family_name: Type.Optional(name),
  name: Type.Optional(name),
  nickname: Type.Optional(name),
  picture: Type.Optional(Type.String({ format: 'uri', maxLength: 2048 })),
  locale: Type.Optional(Type.Union(SUPPORTED_LOCALES.map((l) => Type.Literal(l)))),
};

export const UserCreateBody = StrictObject({
  ...UserFields,
  connection: Type.String({ minLength: 1, maxLength: 128 }),
  user_id: Type.Optional(Type.String({ minLength: 1, maxLength: 255, pattern: '^[^|\\s]+$' })),
  // Accepted for SDK compatibility; Guardline sends no verification e-mail.
  verify_email: Type.Optional(Type.Boolean()),
  user_metadata: Type.Optional(Metadata),
  app_metadata: Type.Optional(Metadata),
});

export const UserUpdateBody = StrictObject({
  ...UserFields,
  // Auth0 asks for the connection alongside credential changes; it must be the user's own.
  connection: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  user_metadata: Type.Optional(NullableMetadata),
  app_metadata: Type.Optional(NullableMetadata),
});

export const User = Type.Object({
  user_id: Type.String(),
  email: Type.Optional(Type.String()),
  email_verified: Type.Boolean(),
  username: Type.Optional(Type.String()),
  phone_number: Type.Optional(Type.String()),
  name: Type.String(),
  nickname: Type.String(),
  given_name: Type.Optional(Type.String()),
  family_name: Type.Optional(Type.String()),
  picture: Type.String(),
  locale: Type.Optional(Type.String()),
  blocked: Type.Boolean(),
  created_at: Type.String(),
  updated_at: Type.String(),
  last_login: Type.Optional(Type.String()),
  last_ip: Type.Optional(Type.String()),
  logins_count: Type.Integer(),
  identities: Type.Array(
    Type.Object({ connection: Type.String(), user_id: Type.String(), provider: Type.String(), isSocial: Type.Boolean() }),
  ),
  user_metadata: Metadata,
  app_metadata: Metadata,
});

export const UserIdParams = StrictObject({ id: Type.String({ minLength: 1, maxLength: 300 }) });
