import { authorizationCodeGrant } from './authorization-code.js';
import { clientCredentialsGrant } from './client-credentials.js';
import type { Grant } from './grant.js';
import { mfaOobGrant } from './mfa-oob.js';
import { mfaRecoveryCodeGrant } from './mfa-recovery-code.js';
import { passwordGrant } from './password.js';
import { refreshTokenGrant } from './refresh-token.js';

/** The token endpoint's dispatch table: `grant_type` → grant module. */
export const GRANTS: ReadonlyMap<string, Grant> = new Map(
  [clientCredentialsGrant, passwordGrant, authorizationCodeGrant, refreshTokenGrant, mfaOobGrant, mfaRecoveryCodeGrant].map((g) => [g.grantType, g]),
);
