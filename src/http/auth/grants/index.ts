import { clientCredentialsGrant } from './client-credentials.js';
import type { Grant } from './grant.js';

/** The token endpoint's dispatch table: `grant_type` → grant module. */
export const GRANTS: ReadonlyMap<string, Grant> = new Map([clientCredentialsGrant].map((g) => [g.grantType, g]));
