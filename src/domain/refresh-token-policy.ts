/**
 * Auth0's client `refresh_token` object: rotation, expiry and reuse leeway. Defaults are Auth0's for a client
 * created through the Management API (non-rotating, non-expiring; 30 days absolute and 15 days idle once expiring).
 */
export interface RefreshTokenPolicy {
  rotation_type: 'rotating' | 'non-rotating';
  expiration_type: 'expiring' | 'non-expiring';
  /** Seconds during which a rotated token may be used again without counting as reuse. */
  leeway: number;
  token_lifetime: number;
  infinite_token_lifetime: boolean;
  idle_token_lifetime: number;
  infinite_idle_token_lifetime: boolean;
}

export const DEFAULT_REFRESH_TOKEN_POLICY: RefreshTokenPolicy = {
  rotation_type: 'non-rotating',
  expiration_type: 'non-expiring',
  leeway: 0,
  token_lifetime: 2_592_000,
  infinite_token_lifetime: true,
  idle_token_lifetime: 1_296_000,
  infinite_idle_token_lifetime: true,
};

/** Auth0's limits: lifetimes up to 1 year (idle no longer than absolute), leeway up to 1 minute. */
const MAX_LIFETIME = 31_557_600;
const MAX_LEEWAY = 60;

/** The policy after applying `patch` to `current`, or the reason it is refused. */
export function mergeRefreshTokenPolicy(current: RefreshTokenPolicy, patch: Partial<RefreshTokenPolicy>): RefreshTokenPolicy | string {
  const next = { ...current, ...patch };
  // Auth0: a rotating token always expires; asking for rotation turns expiry on unless it was sent explicitly.
  if (patch.rotation_type === 'rotating' && patch.expiration_type === undefined) next.expiration_type = 'expiring';
  // Turning expiry on gives the token its lifetimes, unless the infinite flags were sent too.
  if (current.expiration_type !== 'expiring' && next.expiration_type === 'expiring') {
    if (patch.infinite_token_lifetime === undefined) next.infinite_token_lifetime = false;
    if (patch.infinite_idle_token_lifetime === undefined) next.infinite_idle_token_lifetime = false;
  }
  if (next.rotation_type === 'rotating' && next.expiration_type !== 'expiring') return 'rotation_type "rotating" requires expiration_type "expiring"';
  if (next.leeway < 0 || next.leeway > MAX_LEEWAY) return `leeway must be between 0 and ${MAX_LEEWAY} seconds`;
  for (const field of ['token_lifetime', 'idle_token_lifetime'] as const) {
    if (!Number.isInteger(next[field]) || next[field] < 1 || next[field] > MAX_LIFETIME) return `${field} must be between 1 and ${MAX_LIFETIME} seconds`;
  }
  if (next.expiration_type === 'expiring' && !next.infinite_token_lifetime && !next.infinite_idle_token_lifetime && next.idle_token_lifetime > next.token_lifetime) {
    return 'idle_token_lifetime must not exceed token_lifetime';
  }
  return next;
}

export const parseRefreshTokenPolicy = (stored: string): RefreshTokenPolicy =>
  stored === '' ? DEFAULT_REFRESH_TOKEN_POLICY : { ...DEFAULT_REFRESH_TOKEN_POLICY, ...(JSON.parse(stored) as Partial<RefreshTokenPolicy>) };

/**
 * Expiry of a token issued `now` that starts a family (a successor keeps its family's absolute expiry); the idle
 * expiry counts from now. Null means none (non-expiring, or that lifetime infinite).
 */
export function refreshTokenExpiry(policy: RefreshTokenPolicy, now: Date): { expiresAt: string | null; idleExpiresAt: string | null } {
  if (policy.expiration_type !== 'expiring') return { expiresAt: null, idleExpiresAt: null };
  const at = (from: Date, seconds: number) => new Date(from.getTime() + seconds * 1000).toISOString();
  return {
    expiresAt: policy.infinite_token_lifetime ? null : at(now, policy.token_lifetime),
    idleExpiresAt: policy.infinite_idle_token_lifetime ? null : at(now, policy.idle_token_lifetime),
  };
}
