import { Type } from '@sinclair/typebox';
import { BRUTE_FORCE_MODES, BRUTE_FORCE_SHIELDS, MAX_ALLOWLIST_ENTRIES, MAX_ATTEMPTS } from '../../../../domain/brute-force.js';
import { StrictObject } from '../../../schemas.js';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

const fields = {
  enabled: Type.Boolean({ description: 'Whether brute-force protection is active (default true)' }),
  shields: Type.Array(literals(BRUTE_FORCE_SHIELDS), {
    description: 'What happens at the threshold: `block` the identifier; `user_notification` is recorded (Guardline sends no notification yet)',
  }),
  mode: literals(BRUTE_FORCE_MODES),
  // Each entry is parsed by the service (net.isIP / net.BlockList), whose 400 names the entry that is not an address.
  allowlist: Type.Array(Type.String({ maxLength: 64 }), { maxItems: MAX_ALLOWLIST_ENTRIES, description: 'IPv4/IPv6 addresses and CIDR ranges never counted nor blocked' }),
  max_attempts: Type.Integer({ minimum: MAX_ATTEMPTS.min, maximum: MAX_ATTEMPTS.max, description: 'Failed attempts in a row before the threshold (default 10)' }),
};

/** Auth0's brute-force-protection object. */
export const BruteForceSettings = Type.Object(fields);

/** PATCH: any subset; a field left out keeps its value. */
export const BruteForceSettingsPatch = StrictObject({
  enabled: Type.Optional(fields.enabled),
  shields: Type.Optional(fields.shields),
  mode: Type.Optional(fields.mode),
  allowlist: Type.Optional(fields.allowlist),
  max_attempts: Type.Optional(fields.max_attempts),
});
