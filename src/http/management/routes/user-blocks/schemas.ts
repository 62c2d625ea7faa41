import { Type } from '@sinclair/typebox';
import { StrictObject } from '../../../schemas.js';

/** Auth0's user blocks; `ip` is absent for a block that holds from every IP (mode count_per_identifier). */
export const UserBlocks = Type.Object({
  blocked_for: Type.Array(Type.Object({ identifier: Type.String(), ip: Type.Optional(Type.String()), connection: Type.String() })),
});

/** As long as the login form's username field. */
const identifier = Type.String({ minLength: 1, maxLength: 512, description: 'An email address or username, as typed at login (compared lower-cased)' });

const considerEnablement = Type.Optional(
  Type.Boolean({ description: 'true: an empty list while brute-force protection is off or does not block (Auth0)' }),
);

export const IdentifierQuery = StrictObject({ identifier, consider_brute_force_enablement: considerEnablement });
export const IdentifierOnlyQuery = StrictObject({ identifier });
export const ConsiderQuery = StrictObject({ consider_brute_force_enablement: considerEnablement });
