import type { RandomSource } from './clock.js';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Unbiased random string over `alphabet` (rejection sampling, so no character is more likely). */
export function randomString(random: RandomSource, length: number, alphabet = ALPHANUMERIC): string {
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of random.bytes(length * 2)) {
      if (byte < limit) out += alphabet[byte % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}

/** Identifier shapes follow Auth0's examples so clients that pattern-match ids keep working. */
export const newId = {
  tenant: (r: RandomSource) => `ten_${randomString(r, 16)}`,
  clientId: (r: RandomSource) => randomString(r, 32),
  clientSecret: (r: RandomSource) => randomString(r, 64),
  connection: (r: RandomSource) => `con_${randomString(r, 16)}`,
  user: (r: RandomSource) => `auth0|${r.bytes(12).toString('hex')}`,
  clientGrant: (r: RandomSource) => `cgr_${randomString(r, 16)}`,
  signingKey: (r: RandomSource) => randomString(r, 22),
  opaqueToken: (r: RandomSource) => r.bytes(32).toString('base64url'),
  userBlock: (r: RandomSource) => `ubl_${randomString(r, 16)}`,
  /** Auth0's phone provider ids look like `pro_XXXXXXXXXXXXXXXX`. */
  phoneProvider: (r: RandomSource) => `pro_${randomString(r, 16)}`,
  /** Auth0's log stream ids look like `lst_0000000000012345`. */
  logStream: (r: RandomSource) => `lst_${randomString(r, 16)}`,
};

/**
 * Ids that sort by time: log ids (Auth0's are 56-digit strings that sort by time), and challenge and dev-inbox ids,
 * where the order decides which resend is the newest. Ours: 15 digits of milliseconds, 6 digits of a
 * per-process sequence (so entries written by one process in the same millisecond keep their order), then
 * 35 random digits (so two nodes never collide). `ORDER BY log_id` is chronological to the millisecond
 * across nodes and exact within one.
 */
export function createSortableIdGenerator(random: RandomSource) {
  let lastMs = -1;
  let sequence = 0;
  return (at: Date): string => {
    const ms = Math.max(at.getTime(), lastMs);
    sequence = ms === lastMs ? sequence + 1 : 0;
    lastMs = ms;
    return `${String(ms).padStart(15, '0')}${String(sequence % 1_000_000).padStart(6, '0')}${randomString(random, 35, '0123456789')}`;
  };
}
