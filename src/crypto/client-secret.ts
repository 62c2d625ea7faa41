import { createHmac, timingSafeEqual } from 'node:crypto';
import { verifySecret } from './password.js';

/** The purpose string of the server key client secrets are hashed under (`SecretBox.derive`). */
export const CLIENT_SECRET_KEY_PURPOSE = 'client-secret-hmac';

/**
 * Stored form: `hmac-sha256$<base64url of HMAC-SHA-256(key, "<id length>:<client_id>:<secret>")>`. The prefix makes
 * the form self-describing (legacy rows are argon2id PHC strings, `$argon2id$…`); binding the client id means two
 * clients given the same secret still store different values.
 */
const HMAC_PREFIX = 'hmac-sha256$';
const ARGON2_PREFIX = '$argon2';
const DIGEST_BYTES = 32;

/** The keyed hash every check runs exactly once. Injectable, so a test can count the calls of each path. */
export type SecretDigest = (clientId: string, secret: string) => Buffer;

export function hmacDigest(key: Buffer): SecretDigest {
  return (clientId, secret) => createHmac('sha256', key).update(`${clientId.length}:${clientId}:`).update(secret, 'utf8').digest();
}

/**
 * - `match`: the secret is right;
 * - `legacy_match`: right, against an argon2id hash written before secrets were HMACs (the caller rewrites it);
 * - `mismatch`: wrong, or the stored value is of no known form.
 */
export type SecretVerdict = 'match' | 'legacy_match' | 'mismatch';

export function createClientSecrets(digest: SecretDigest) {
  // What a check without a stored secret compares with: there only to spend the same work (no digest is all zeros).
  const dummy = Buffer.alloc(DIGEST_BYTES);

  function compare(clientId: string, candidate: string, expected: Buffer): boolean {
    const computed = digest(clientId, candidate);
    // A malformed stored value still costs one digest, and timingSafeEqual needs equal lengths.
    return expected.length === DIGEST_BYTES && timingSafeEqual(computed, expected);
  }

  return {
    /** The stored form of a new secret. */
    hash(clientId: string, secret: string): string {
      return `${HMAC_PREFIX}${digest(clientId, secret).toString('base64url')}`;
    },

    /** Checks `candidate` against a stored value in constant time (HMAC rows); argon2id rows run argon2. */
    async verify(clientId: string, stored: string, candidate: string): Promise<SecretVerdict> {
      if (stored.startsWith(HMAC_PREFIX)) {
        return compare(clientId, candidate, Buffer.from(stored.slice(HMAC_PREFIX.length), 'base64url')) ? 'match' : 'mismatch';
      }
      if (stored.startsWith(ARGON2_PREFIX)) return (await verifySecret(stored, candidate)) ? 'legacy_match' : 'mismatch';
      compare(clientId, candidate, dummy);
      return 'mismatch';
    },

    /**
     * The same digest and comparison as `verify` on an HMAC row, against a fixed dummy: what a refusal runs when
     * there is no secret to compare with (unknown client id, missing secret), so it costs what a wrong secret costs.
     */
    burn(clientId: string, candidate: string): void {
      compare(clientId, candidate, dummy);
    },
  };
}

export type ClientSecrets = ReturnType<typeof createClientSecrets>;
