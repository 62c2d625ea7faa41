import { Type } from '@sinclair/typebox';
import { StrictObject } from '../../../schemas.js';

const Scope = Type.Array(Type.String({ minLength: 1, maxLength: 280 }), { maxItems: 200 });

export const ClientGrantCreateBody = StrictObject({
  client_id: Type.String({ minLength: 1, maxLength: 128 }),
  audience: Type.String({ minLength: 1, maxLength: 600 }),
  scope: Scope,
});

export const ClientGrantUpdateBody = StrictObject({ scope: Scope });

export const ClientGrant = Type.Object({
  id: Type.String(),
  client_id: Type.String(),
  audience: Type.String(),
  scope: Type.Array(Type.String()),
});

export const ClientGrantIdParams = StrictObject({ id: Type.String({ minLength: 1, maxLength: 64 }) });
