import { SignJWT, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { ServiceDeps } from './context.js';
import type { SigningKeys } from './signing-keys.js';
import type { Tenant } from './tenants.js';

/** Lifetimes in seconds (Auth0's defaults). */
export const TOKEN_LIFETIMES = {
  accessToken: 86_400,
  idToken: 36_000,
  authorizationCode: 60,
} as const;

export interface AccessTokenClaims {
  sub: string;
  audience: string | string[];
  scope: string[];
  azp: string;
  /** Auth0's `gty` claim, e.g. `client-credentials` or `password`. */
  grantType?: string;
  lifetimeSeconds?: number;
  /** Authentication methods of the login (`mfa` after a second factor): the `amr` claim when non-empty. */
  amr?: string[];
}

/**
 * How far ahead of our clock a token's `iat` may be: another node's clock (or the signer's) may run a little fast,
 * but a token "issued" further in the future was not issued by a clock we trust.
 */
export const MAX_CLOCK_SKEW_SECONDS = 60;

/** True when `iat` says the token was issued later than `now` allows, skew included. */
export function issuedInFuture(payload: JWTPayload, now: Date): boolean {
  return payload.iat !== undefined && payload.iat > Math.floor(now.getTime() / 1000) + MAX_CLOCK_SKEW_SECONDS;
}

export type TokenProblem = 'malformed' | 'expired' | 'invalid_signature' | 'wrong_issuer' | 'wrong_audience' | 'missing_expiry' | 'issued_in_future';

export class TokenVerificationError extends Error {
  constructor(readonly problem: TokenProblem, message: string) {
    super(message);
    this.name = 'TokenVerificationError';
  }
}

export interface IdTokenClaims {
  sub: string;
  clientId: string;
  nonce?: string | null;
  profile: Record<string, unknown>;
  amr?: string[];
  /** When the user authenticated (seconds since the epoch): the `auth_time` claim. */
  authTime?: number;
}

export interface VerifiedToken {
  payload: JWTPayload & { scope?: string; azp?: string; gty?: string };
  scopes: string[];
}

/** Signs and verifies the JWTs of one tenant with that tenant's own keys. */
export function createTokens({ clock }: Pick<ServiceDeps, 'clock'>, signingKeys: SigningKeys) {
  const nowSeconds = () => Math.floor(clock.now().getTime() / 1000);

  type SigningKey = Awaited<ReturnType<SigningKeys['signingKey']>>;

  /** `signingKey`: the key of this request when it signs more than one token (read once, not once per JWT). */
  async function sign(tenant: Tenant, payload: JWTPayload, lifetime: number, signingKey?: () => Promise<SigningKey>): Promise<string> {
    const { kid, key } = await (signingKey ? signingKey() : signingKeys.signingKey(tenant));
    const iat = nowSeconds();
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid })
      .setIssuer(tenant.issuer)
      .setIssuedAt(iat)
      .setExpirationTime(iat + lifetime)
      .sign(key);
  }

  function accessToken(tenant: Tenant, claims: AccessTokenClaims, signingKey?: () => Promise<SigningKey>): Promise<{ token: string; expiresIn: number }> {
    const expiresIn = claims.lifetimeSeconds ?? TOKEN_LIFETIMES.accessToken;
    const payload: JWTPayload = { sub: claims.sub, aud: claims.audience, azp: claims.azp, scope: claims.scope.join(' ') };
    if (claims.grantType) payload.gty = claims.grantType;
    if (claims.amr && claims.amr.length > 0) payload.amr = claims.amr;
    return sign(tenant, payload, expiresIn, signingKey).then((token) => ({ token, expiresIn }));
  }

  function idToken(tenant: Tenant, claims: IdTokenClaims, signingKey?: () => Promise<SigningKey>): Promise<string> {
    const payload: JWTPayload = { ...claims.profile, sub: claims.sub, aud: claims.clientId };
    if (claims.nonce) payload.nonce = claims.nonce;
    if (claims.amr && claims.amr.length > 0) payload.amr = claims.amr;
    if (claims.authTime !== undefined) payload.auth_time = claims.authTime;
    return sign(tenant, payload, TOKEN_LIFETIMES.idToken, signingKey);
  }

  return {
    accessToken: (tenant: Tenant, claims: AccessTokenClaims) => accessToken(tenant, claims),
    idToken: (tenant: Tenant, claims: IdTokenClaims) => idToken(tenant, claims),

    /**
     * A signer for the tokens of one response (access token and id_token): the tenant's current key is read once,
     * on first use, and only for this response, so a rotation is seen by the next request as before.
     */
    signer(tenant: Tenant) {
      let key: Promise<SigningKey> | undefined;
      const signingKey = () => (key ??= signingKeys.signingKey(tenant));
      return {
        accessToken: (claims: AccessTokenClaims) => accessToken(tenant, claims, signingKey),
        idToken: (claims: IdTokenClaims) => idToken(tenant, claims, signingKey),
      };
    },

    /**
     * Verifies a token against the tenant's keys, issuer and one of the accepted audiences. A token of
     * another tenant fails here: its `kid` is not among this tenant's keys and its issuer differs.
     */
    async verify(tenant: Tenant, token: string, audiences: string[]): Promise<VerifiedToken> {
      let kid: string | undefined;
      try {
        kid = decodeProtectedHeader(token).kid;
      } catch {
        throw new TokenVerificationError('malformed', 'Bad HTTP authentication header format');
      }
      const key = kid ? await signingKeys.verificationKey(tenant, kid) : undefined;
      if (!key) throw new TokenVerificationError('invalid_signature', 'Invalid token');
      try {
        const { payload } = await jwtVerify(token, key, {
          issuer: tenant.issuer,
          audience: audiences,
          algorithms: ['RS256'],
          // Every token Guardline signs expires; one without `exp` would be valid forever.
          requiredClaims: ['exp'],
          currentDate: clock.now(),
        });
        if (issuedInFuture(payload, clock.now())) {
          throw new TokenVerificationError('issued_in_future', '"iat" claim timestamp check failed (it should be in the past)');
        }
        const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [];
        return { payload: payload as VerifiedToken['payload'], scopes };
      } catch (err) {
        if (err instanceof TokenVerificationError) throw err;
        if (err instanceof joseErrors.JWTExpired) {
          throw new TokenVerificationError('expired', 'Expired token received for JSON Web Token validation');
        }
        if (err instanceof joseErrors.JWTClaimValidationFailed) {
          if (err.claim === 'iss') throw new TokenVerificationError('wrong_issuer', `Bad issuer: ${String(err.payload.iss)}`);
          if (err.claim === 'aud') throw new TokenVerificationError('wrong_audience', 'Bad audience');
          if (err.claim === 'exp' && err.reason === 'missing') throw new TokenVerificationError('missing_expiry', 'missing required "exp" claim');
        }
        throw new TokenVerificationError('invalid_signature', 'Invalid token');
      }
    },
  };
}

export type Tokens = ReturnType<typeof createTokens>;
