import { Type } from '@sinclair/typebox';
import { APP_TYPES, TOKEN_ENDPOINT_AUTH_METHODS } from '../../../../domain/grant-types.js';
import { StrictObject } from '../../../schemas.js';

const url = Type.String({ minLength: 1, maxLength: 2048 });
const origin = Type.String({ minLength: 1, maxLength: 2048 });

/** Auth0's `refresh_token` object (rotation, expiry, reuse leeway). */
const RefreshTokenFields = {
  rotation_type: Type.Union([Type.Literal('rotating'), Type.Literal('non-rotating')]),
  expiration_type: Type.Union([Type.Literal('expiring'), Type.Literal('non-expiring')]),
  leeway: Type.Integer({ minimum: 0 }),
  token_lifetime: Type.Integer({ minimum: 1 }),
  infinite_token_lifetime: Type.Boolean(),
  idle_token_lifetime: Type.Integer({ minimum: 1 }),
  infinite_idle_token_lifetime: Type.Boolean(),
};

export const ClientFields = {
  name: Type.String({ minLength: 1, maxLength: 255 }),
  description: Type.Optional(Type.String({ maxLength: 140 })),
  app_type: Type.Optional(Type.Union(APP_TYPES.map((t) => Type.Literal(t)))),
  is_first_party: Type.Optional(Type.Boolean()),
  token_endpoint_auth_method: Type.Optional(Type.Union(TOKEN_ENDPOINT_AUTH_METHODS.map((t) => Type.Literal(t)))),
  grant_types: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { maxItems: 10 })),
  callbacks: Type.Optional(Type.Array(url, { maxItems: 100 })),
  allowed_logout_urls: Type.Optional(Type.Array(url, { maxItems: 100 })),
  web_origins: Type.Optional(Type.Array(origin, { maxItems: 100 })),
  allowed_origins: Type.Optional(Type.Array(origin, { maxItems: 100 })),
  refresh_token: Type.Optional(Type.Partial(StrictObject(RefreshTokenFields))),
  client_metadata: Type.Optional(Type.Record(Type.String({ maxLength: 255 }), Type.String({ maxLength: 255 }), { maxProperties: 10 })),
};

export const ClientCreateBody = StrictObject(ClientFields);
export const ClientUpdateBody = StrictObject({ ...ClientFields, name: Type.Optional(ClientFields.name) });

export const Client = Type.Object({
  tenant: Type.String(),
  client_id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  app_type: Type.String(),
  is_first_party: Type.Boolean(),
  token_endpoint_auth_method: Type.String(),
  grant_types: Type.Array(Type.String()),
  callbacks: Type.Array(Type.String()),
  allowed_logout_urls: Type.Array(Type.String()),
  web_origins: Type.Array(Type.String()),
  allowed_origins: Type.Array(Type.String()),
  refresh_token: Type.Object(RefreshTokenFields),
  client_metadata: Type.Record(Type.String(), Type.String()),
  client_secret: Type.Optional(Type.String()),
});

export const ClientIdParams = StrictObject({ id: Type.String({ minLength: 1, maxLength: 128 }) });
