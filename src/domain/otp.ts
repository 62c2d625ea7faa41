import { createHmac, timingSafeEqual } from 'node:crypto';
import type { RandomSource } from './clock.js';
import { randomString } from './ids.js';

/**
 * One-time codes and recovery codes. Codes come from the injected CSPRNG without modulo bias, are stored
 * only as an HMAC keyed by a secret the database does not hold, and are compared in constant time.
 */

const DIGITS = '0123456789';
/** Auth0's recovery codes: 24 upper-case letters and digits, e.g. "N3BGPZZWJ85JLCNPZBDW6QXC". */
const RECOVERY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
export const RECOVERY_CODE_LENGTH = 24;

export const generateCode = (random: RandomSource, length: number): string => randomString(random, length, DIGITS);
export const generateRecoveryCode = (random: RandomSource): string => randomString(random, RECOVERY_CODE_LENGTH, RECOVERY_ALPHABET);

/**
 * The stored form of a code: HMAC-SHA256 over the id of what it is bound to (a challenge, an authenticator)
 * and the code, so a code is only ever valid for the challenge that issued it.
 */
export function hashCode(key: Buffer, boundTo: string, code: string): string {
  return createHmac('sha256', key).update(`${boundTo}\u0000${code}`).digest('hex');
}

export function codeMatches(key: Buffer, boundTo: string, code: string, storedHash: string): boolean {
  const computed = Buffer.from(hashCode(key, boundTo, code), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return computed.length === stored.length && timingSafeEqual(computed, stored);
}

/** Recovery codes are typed by people: spaces and dashes ignored, case-insensitive. */
export const normaliseRecoveryCode = (input: string): string => input.replace(/[\s-]/g, '').toUpperCase();
