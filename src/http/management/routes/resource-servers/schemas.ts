import { Type } from '@sinclair/typebox';
import { StrictObject } from '../../../schemas.js';

export const ResourceServer = Type.Object({
  id: Type.String(),
  name: Type.String(),
  identifier: Type.String(),
  is_system: Type.Boolean(),
  scopes: Type.Array(Type.Object({ value: Type.String(), description: Type.String() })),
  signing_alg: Type.String(),
  allow_offline_access: Type.Boolean(),
  skip_consent_for_verifiable_first_party_clients: Type.Boolean(),
  token_lifetime: Type.Integer(),
  token_lifetime_for_web: Type.Integer(),
  token_dialect: Type.String(),
});

export const ResourceServerIdParams = StrictObject({ id: Type.String({ minLength: 1, maxLength: 600, description: 'The id or the identifier (audience)' }) });
