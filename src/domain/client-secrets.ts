/**
 * Rules for client secrets that an operator chooses (`GUARDLINE_BOOTSTRAP_CLIENT_SECRET`, the `credentials`
 * of `clients.create`). Generated secrets are 64 random characters and need no check.
 *
 * Why a minimum of 32: client secrets are checked with a fast keyed hash (HMAC-SHA-256), not a slow password
 * hash, so all of a secret's strength is its own entropy. 32 random characters give at least 128 bits even
 * from the hex alphabet (`openssl rand -hex 16`), beyond any guessing, online or offline (should the database
 * and the server key both leak). A shorter, memorable secret would need the slow hash it no longer gets.
 *
 * Why a maximum of 512: `/mfa/challenge` accepts `client_secret` up to 512 characters, so a longer secret could
 * never authenticate there.
 */
export const MIN_CHOSEN_CLIENT_SECRET_LENGTH = 32;
export const MAX_CHOSEN_CLIENT_SECRET_LENGTH = 512;

/** What is wrong with an operator-chosen secret, in one sentence, or undefined when it is acceptable. */
export function chosenClientSecretProblem(secret: string): string | undefined {
  if (secret.length < MIN_CHOSEN_CLIENT_SECRET_LENGTH || secret.length > MAX_CHOSEN_CLIENT_SECRET_LENGTH) {
    return `must be ${MIN_CHOSEN_CLIENT_SECRET_LENGTH}–${MAX_CHOSEN_CLIENT_SECRET_LENGTH} random characters (e.g. \`openssl rand -hex 32\`): it is checked with a fast keyed hash, so its length is its strength`;
  }
  return undefined;
}

/**
 * The longest `client_id` a client authentication accepts (the same bound as `/mfa/challenge`'s schema).
 * Generated ids are 32 characters and chosen ones at most 128; a longer one is refused before any lookup, so
 * neither a bucket key nor a log entry carries caller input of unbounded length.
 */
export const MAX_CLIENT_ID_LENGTH = 256;
