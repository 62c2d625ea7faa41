import { Type } from '@sinclair/typebox';
import { StrictObject } from '../../../schemas.js';

/** Auth0's signing key object, without the certificate fields (`cert`, `pkcs7`, `fingerprint`, `thumbprint`). */
export const SigningKey = Type.Object({
  kid: Type.String(),
  current: Type.Boolean(),
  next: Type.Boolean(),
  previous: Type.Boolean(),
  revoked: Type.Boolean(),
  current_since: Type.Optional(Type.String()),
  revoked_at: Type.Optional(Type.String()),
});

/** What Auth0 answers to rotate and revoke (`{cert, kid}`), without `cert`. */
export const SigningKeyRef = Type.Object({ kid: Type.String() });

export const KidParams = StrictObject({ kid: Type.String({ minLength: 1, maxLength: 64 }) });
