import { createHash } from 'node:crypto';
import { BlockList, isIP } from 'node:net';

/**
 * Auth0's brute-force protection as pure rules: the settings object and its validation, the allowlist, how a
 * login identifier and an IP are normalised, and which counter and which block an attempt belongs to.
 * The service (`services/brute-force.ts`) applies them with the store and the limiter.
 */

export const BRUTE_FORCE_MODES = ['count_per_identifier_and_ip', 'count_per_identifier'] as const;
export type BruteForceMode = (typeof BRUTE_FORCE_MODES)[number];

export const BRUTE_FORCE_SHIELDS = ['block', 'user_notification'] as const;
export type BruteForceShield = (typeof BRUTE_FORCE_SHIELDS)[number];

/** Auth0's bounds for `max_attempts`. */
export const MAX_ATTEMPTS = { default: 10, min: 1, max: 100 } as const;
/** Auth0 documents no bound; Guardline keeps the list checkable in one request (as Auth0's suspicious-IP allowlist). */
export const MAX_ALLOWLIST_ENTRIES = 100;

/** Auth0: a block lasts 30 days unless it is removed earlier. */
export const BLOCK_DAYS = 30;
export const BLOCK_MS = BLOCK_DAYS * 86_400_000;

/**
 * One failed attempt comes back per hour: a run of failures counts, a typo now and then (spread over days or
 * weeks without a successful login in between) never adds up to a block. The cost is that a guesser who paces
 * itself at one guess per hour per counter is never blocked; the default threshold still stops any burst.
 */
export const FAILURE_REFILL_MS = 3_600_000;

/** Auth0's brute-force-protection object, as the Management API shows it. */
export interface BruteForceSettings {
  enabled: boolean;
  shields: BruteForceShield[];
  mode: BruteForceMode;
  allowlist: string[];
  max_attempts: number;
}

export const DEFAULT_BRUTE_FORCE: BruteForceSettings = {
  enabled: true,
  shields: ['block', 'user_notification'],
  mode: 'count_per_identifier_and_ip',
  allowlist: [],
  max_attempts: MAX_ATTEMPTS.default,
};

export type BruteForcePatch = Partial<BruteForceSettings>;

/** A setting that breaks a rule; the message names the field (and the entry) and says why, for a 400. */
export class BruteForceSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BruteForceSettingsError';
  }
}

type IpFamily = 'ipv4' | 'ipv6';
const familyOf = (address: string): IpFamily | undefined => ({ 4: 'ipv4', 6: 'ipv6' } as const)[isIP(address) as 4 | 6];

/**
 * One allowlist entry: an IPv4 or IPv6 address, or either with a `/prefix`. Parsing and matching are Node's
 * (`net.isIP`, `net.BlockList`); zone ids (`fe80::1%eth0`) name an interface of this host, not a client, and are refused.
 */
function addEntry(list: BlockList, entry: string): boolean {
  if (entry.includes('%') || entry.trim() !== entry) return false;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = familyOf(address);
  if (!family || rest.length > 0) return false;
  if (prefix === undefined) {
    list.addAddress(address, family);
    return true;
  }
  const bits = family === 'ipv4' ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > bits) return false;
  list.addSubnet(address, Number(prefix), family);
  return true;
}

/** The allowlist as a matcher; throws `BruteForceSettingsError` naming the first entry that is not an address or range. */
export function compileAllowlist(entries: readonly string[]): BlockList {
  const list = new BlockList();
  entries.forEach((entry, index) => {
    if (!addEntry(list, entry)) {
      throw new BruteForceSettingsError(`allowlist[${index}]: ${JSON.stringify(entry)} is not an IPv4 or IPv6 address or CIDR range`);
    }
  });
  return list;
}

/** Merges a PATCH into the current settings and checks the result; shields and allowlist lose duplicates. */
export function applyPatch(current: BruteForceSettings, patch: BruteForcePatch): BruteForceSettings {
  const next: BruteForceSettings = { ...current, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
  if (!Number.isInteger(next.max_attempts) || next.max_attempts < MAX_ATTEMPTS.min || next.max_attempts > MAX_ATTEMPTS.max) {
    throw new BruteForceSettingsError(`max_attempts must be an integer from ${MAX_ATTEMPTS.min} to ${MAX_ATTEMPTS.max}`);
  }
  if (!BRUTE_FORCE_MODES.includes(next.mode)) throw new BruteForceSettingsError(`mode must be one of ${BRUTE_FORCE_MODES.join(', ')}`);
  const unknownShield = next.shields.find((s) => !BRUTE_FORCE_SHIELDS.includes(s));
  if (unknownShield !== undefined) throw new BruteForceSettingsError(`shields: ${JSON.stringify(unknownShield)} is not one of ${BRUTE_FORCE_SHIELDS.join(', ')}`);
  if (next.allowlist.length > MAX_ALLOWLIST_ENTRIES) throw new BruteForceSettingsError(`allowlist may hold at most ${MAX_ALLOWLIST_ENTRIES} entries`);
  compileAllowlist(next.allowlist);
  return { ...next, shields: BRUTE_FORCE_SHIELDS.filter((s) => next.shields.includes(s)), allowlist: [...new Set(next.allowlist)] };
}

/** Stored JSON → settings, with Auth0's defaults for anything missing (a row written by an older version). */
export function parseStoredSettings(json: string | undefined): BruteForceSettings {
  if (json === undefined) return { ...DEFAULT_BRUTE_FORCE };
  return { ...DEFAULT_BRUTE_FORCE, ...(JSON.parse(json) as Partial<BruteForceSettings>) };
}

/** Identifiers are counted and blocked lower-cased, so `Alice@Example.com` and `alice@example.com` share one counter. */
export const normaliseIdentifier = (identifier: string): string => identifier.toLowerCase();

/** An IPv4 client seen through an IPv6 socket (`::ffff:192.0.2.1`) is the IPv4 client: one counter, one block. */
export function normaliseIp(ip: string | undefined): string {
  if (!ip) return '';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  return mapped ? mapped[1]! : ip.toLowerCase();
}

export function isAllowlisted(list: BlockList, ip: string): boolean {
  const family = familyOf(ip);
  return family !== undefined && list.check(ip, family);
}

/**
 * The counter's key: per identifier, and per IP in the default mode. Hashed, so that limiter keys (in Redis)
 * carry no e-mail address and have a bounded length whatever was typed.
 */
export function failureKey(tenantId: string, mode: BruteForceMode, identifier: string, ip: string): string {
  const scope = mode === 'count_per_identifier' ? `id\u0000${identifier}` : `ip\u0000${identifier}\u0000${ip}`;
  return `${tenantId}:${createHash('sha256').update(scope).digest('base64url')}`;
}

/** The IP column of the block a trigger writes: the attacker's IP in the default mode, '' (every IP) otherwise. */
export const blockIp = (mode: BruteForceMode, ip: string): string => (mode === 'count_per_identifier' ? '' : ip);

/** The identifiers a user logs in with (Auth0's user blocks by user id cover the user's email and username). */
export function identifiersOf(user: { email: string | null; username: string | null }): string[] {
  return [...new Set([user.email, user.username].filter((v): v is string => !!v).map(normaliseIdentifier))];
}
