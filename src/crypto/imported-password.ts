/**
 * Password hashes brought in from another system (Auth0's bulk import: `password_hash` and `custom_password_hash`),
 * kept in the user's `password_hash` column until the user's first successful login replaces them with Guardline's
 * own argon2id hash (docs/password-hashes.md).
 *
 * Stored forms, one column, told apart by their prefix:
 * - Guardline's own argon2id PHC string (src/crypto/password.ts);
 * - a bcrypt string (`$2a$` / `$2b$` / `$2y$`) or any argon2 PHC string, as imported;
 * - `$guardline-import$` + base64url(JSON): every other algorithm, validated and decoded once at import
 *   (bytes as base64), so a login never re-parses the encodings a file gave.
 *
 * Libraries: bcryptjs for bcrypt, @node-rs/argon2 for argon2, hash-wasm for MD4 (Node 20's OpenSSL 3 refuses
 * `createHash('md4')`), node:crypto for the rest. Every comparison is constant-time.
 */
import { createHash, createHmac, pbkdf2 as pbkdf2Callback, scrypt as scryptCallback, timingSafeEqual, type BinaryLike } from 'node:crypto';
import { promisify } from 'node:util';
import { verify as verifyArgon2 } from '@node-rs/argon2';
import bcrypt from 'bcryptjs';
import { createHMAC, createMD4, md4, pbkdf2 as wasmPbkdf2 } from 'hash-wasm';

const pbkdf2 = promisify(pbkdf2Callback);
const scrypt = promisify(scryptCallback) as (password: BinaryLike, salt: BinaryLike, keylen: number, options: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;

export const IMPORTED_PREFIX = '$guardline-import$';

const BCRYPT = /^\$2[aby]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/;
const ARGON2 = /^\$argon2(id|i|d)\$(v=\d+\$)?m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;
const PBKDF2 = /^\$pbkdf2-([a-z0-9]+)\$i=(\d+),l=(\d+)\$([A-Za-z0-9+/.]+={0,2})\$([A-Za-z0-9+/.]+={0,2})$/;
const LDAP = /^\{([A-Z0-9]+)\}([A-Za-z0-9+/]+={0,2})$/;

/** Digests the plain algorithms, HMAC and PBKDF2 accept (Auth0's lists, restricted to what we can compute). */
const DIGESTS = new Set(['md4', 'md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512']);
const PLAIN = new Set(['md4', 'md5', 'sha1', 'sha256', 'sha512']);
const BYTE_ENCODINGS = new Set(['hex', 'base64', 'utf8']);
const PASSWORD_ENCODINGS = new Set(['utf8', 'utf16le', 'ucs2', 'latin1', 'binary', 'ascii']);
/** RFC 2307 schemes: digest and whether the stored value carries a salt after the digest. */
const LDAP_SCHEMES: Record<string, { digest: string; salted: boolean }> = {
  MD5: { digest: 'md5', salted: false },
  SMD5: { digest: 'md5', salted: true },
  SHA: { digest: 'sha1', salted: false },
  SSHA: { digest: 'sha1', salted: true },
  SHA256: { digest: 'sha256', salted: false },
  SSHA256: { digest: 'sha256', salted: true },
  SHA384: { digest: 'sha384', salted: false },
  SSHA384: { digest: 'sha384', salted: true },
  SHA512: { digest: 'sha512', salted: false },
  SSHA512: { digest: 'sha512', salted: true },
};
const DIGEST_BYTES: Record<string, number> = { md4: 16, md5: 16, sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64 };
/** Guardline refuses work factors that would let one login pin a core (and a file that sets them from being a DoS). */
const MAX_PBKDF2_ITERATIONS = 10_000_000;
const MAX_SCRYPT_MEMORY = 256 * 1024 * 1024;

type PasswordEncoding = 'utf8' | 'utf16le' | 'ucs2' | 'latin1' | 'binary' | 'ascii';

/** The normalised custom hash kept behind IMPORTED_PREFIX: bytes as base64. */
type Imported =
  | { a: 'plain'; digest: string; hash: string; salt?: string; position?: 'prefix' | 'suffix'; pe: PasswordEncoding }
  | { a: 'hmac'; digest: string; hash: string; key: string; salt?: string; position?: 'prefix' | 'suffix'; pe: PasswordEncoding }
  | { a: 'pbkdf2'; digest: string; iterations: number; length: number; salt: string; hash: string; pe: PasswordEncoding }
  | { a: 'ldap'; digest: string; hash: string; salt?: string; pe: PasswordEncoding }
  | { a: 'scrypt'; hash: string; salt: string; position?: 'prefix' | 'suffix'; keylen: number; cost: number; blockSize: number; parallelization: number; pe: PasswordEncoding };

export type ImportedHashParse = { ok: true; stored: string } | { ok: false; problem: string };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const fail = (problem: string): ImportedHashParse => ({ ok: false, problem });

function decodeBytes(value: string, encoding: string): Buffer | undefined {
  if (encoding === 'hex') return /^(?:[0-9a-fA-F]{2})+$/.test(value) ? Buffer.from(value, 'hex') : undefined;
  if (encoding === 'base64') return /^[A-Za-z0-9+/_-]+={0,2}$/.test(value) ? Buffer.from(value, 'base64') : undefined;
  return Buffer.from(value, 'utf8');
}

/** PHC's base64: standard alphabet, unpadded; passlib writes `.` for `+`. */
const phcBytes = (value: string): Buffer => Buffer.from(value.replace(/\./g, '+'), 'base64');

const stored = (imported: Imported): ImportedHashParse => ({ ok: true, stored: IMPORTED_PREFIX + Buffer.from(JSON.stringify(imported)).toString('base64url') });

/**
 * Validates a user's `password_hash` / `custom_password_hash` as Auth0's import does and returns what to keep in
 * the `password_hash` column. Neither given is not a call for this function (the user has no password).
 */
export function parseImportedPasswordHash(input: { password_hash?: unknown; custom_password_hash?: unknown }): ImportedHashParse {
  const { password_hash: plainHash, custom_password_hash: custom } = input;
  if (plainHash !== undefined && custom !== undefined) return fail('password_hash and custom_password_hash are mutually exclusive');
  if (plainHash !== undefined) {
    if (typeof plainHash !== 'string' || !BCRYPT.test(plainHash)) return fail('password_hash must be a bcrypt hash ($2a$ or $2b$)');
    return { ok: true, stored: plainHash };
  }
  if (!isObject(custom)) return fail('custom_password_hash must be an object');
  const algorithm = custom.algorithm;
  const hash = custom.hash;
  if (typeof algorithm !== 'string') return fail('custom_password_hash.algorithm is required');
  if (!isObject(hash) || typeof hash.value !== 'string' || hash.value === '') return fail('custom_password_hash.hash.value is required');
  const value = hash.value;
  const encoding = hash.encoding === undefined ? undefined : hash.encoding;
  if (encoding !== undefined && (typeof encoding !== 'string' || !BYTE_ENCODINGS.has(encoding))) return fail('custom_password_hash.hash.encoding must be hex, base64 or utf8');
  const passwordEncoding = isObject(custom.password) ? custom.password.encoding : undefined;
  if (custom.password !== undefined && !isObject(custom.password)) return fail('custom_password_hash.password must be an object');
  if (passwordEncoding !== undefined && (typeof passwordEncoding !== 'string' || !PASSWORD_ENCODINGS.has(passwordEncoding))) {
    return fail(`custom_password_hash.password.encoding must be one of ${[...PASSWORD_ENCODINGS].join(', ')}`);
  }
  const pe = (passwordEncoding ?? 'utf8') as PasswordEncoding;

  let salt: { bytes: Buffer; position: 'prefix' | 'suffix' } | undefined;
  if (custom.salt !== undefined) {
    const raw = custom.salt;
    if (!isObject(raw) || typeof raw.value !== 'string') return fail('custom_password_hash.salt.value is required');
    const saltEncoding = raw.encoding ?? 'utf8';
    if (typeof saltEncoding !== 'string' || !BYTE_ENCODINGS.has(saltEncoding)) return fail('custom_password_hash.salt.encoding must be hex, base64 or utf8');
    const position = raw.position ?? 'prefix';
    if (position !== 'prefix' && position !== 'suffix') return fail('custom_password_hash.salt.position must be prefix or suffix');
    const bytes = decodeBytes(raw.value, saltEncoding);
    if (!bytes) return fail(`custom_password_hash.salt.value is not valid ${saltEncoding}`);
    salt = { bytes, position };
  }
  const noSalt = (name: string) => fail(`custom_password_hash.salt is not allowed with ${name}: the salt is part of the hash`);
  const utf8Only = (name: string) => (encoding !== undefined && encoding !== 'utf8' ? fail(`custom_password_hash.hash.encoding must be utf8 with ${name}`) : undefined);

  switch (algorithm) {
    case 'bcrypt': {
      if (salt) return noSalt('bcrypt');
      const wrong = utf8Only('bcrypt');
      if (wrong) return wrong;
      if (!BCRYPT.test(value)) return fail('custom_password_hash.hash.value is not a bcrypt hash');
      return { ok: true, stored: value };
    }
    case 'argon2': {
      if (salt) return noSalt('argon2');
      const wrong = utf8Only('argon2');
      if (wrong) return wrong;
      if (!ARGON2.test(value)) return fail('custom_password_hash.hash.value is not an argon2 PHC string');
      return { ok: true, stored: value };
    }
    case 'pbkdf2': {
      if (salt) return noSalt('pbkdf2');
      const wrong = utf8Only('pbkdf2');
      if (wrong) return wrong;
      const match = PBKDF2.exec(value);
      if (!match) return fail('custom_password_hash.hash.value is not a PBKDF2 PHC string ($pbkdf2-<digest>$i=<iterations>,l=<length>$<salt>$<hash>)');
      const [, digest, iterations, length, saltText, hashText] = match;
      if (!DIGESTS.has(digest!)) return fail(`PBKDF2 digest ${digest} is not supported (${[...DIGESTS].join(', ')})`);
      const derived = phcBytes(hashText!);
      if (Number(iterations) < 1 || Number(iterations) > MAX_PBKDF2_ITERATIONS) return fail(`PBKDF2 iterations must be 1–${MAX_PBKDF2_ITERATIONS}`);
      if (Number(length) !== derived.length) return fail(`PBKDF2 l=${length} does not match the hash's ${derived.length} bytes`);
      return stored({ a: 'pbkdf2', digest: digest!, iterations: Number(iterations), length: Number(length), salt: phcBytes(saltText!).toString('base64'), hash: derived.toString('base64'), pe });
    }
    case 'ldap': {
      if (salt) return noSalt('ldap');
      const wrong = utf8Only('ldap');
      if (wrong) return wrong;
      const match = LDAP.exec(value);
      const scheme = match ? LDAP_SCHEMES[match[1]!] : undefined;
      if (!match || !scheme) return fail(`custom_password_hash.hash.value must be an RFC 2307 value: {${Object.keys(LDAP_SCHEMES).join('|')}}base64`);
      const bytes = Buffer.from(match[2]!, 'base64');
      const size = DIGEST_BYTES[scheme.digest]!;
      if (scheme.salted ? bytes.length <= size : bytes.length !== size) return fail(`the {${match[1]}} value has the wrong length`);
      return stored({
        a: 'ldap',
        digest: scheme.digest,
        hash: bytes.subarray(0, size).toString('base64'),
        ...(scheme.salted ? { salt: bytes.subarray(size).toString('base64') } : {}),
        pe,
      });
    }
    case 'hmac': {
      const digest = hash.digest;
      if (typeof digest !== 'string' || !DIGESTS.has(digest)) return fail(`custom_password_hash.hash.digest must be one of ${[...DIGESTS].join(', ')}`);
      const key = hash.key;
      if (!isObject(key) || typeof key.value !== 'string') return fail('custom_password_hash.hash.key.value is required with hmac');
      const keyEncoding = key.encoding ?? 'utf8';
      if (typeof keyEncoding !== 'string' || !BYTE_ENCODINGS.has(keyEncoding)) return fail('custom_password_hash.hash.key.encoding must be hex, base64 or utf8');
      const keyBytes = decodeBytes(key.value, keyEncoding);
      const bytes = decodeBytes(value, encoding ?? 'hex');
      if (!keyBytes) return fail(`custom_password_hash.hash.key.value is not valid ${keyEncoding}`);
      if (!bytes || bytes.length !== DIGEST_BYTES[digest]) return fail(`custom_password_hash.hash.value is not a ${digest} digest in ${encoding ?? 'hex'}`);
      return stored({ a: 'hmac', digest, hash: bytes.toString('base64'), key: keyBytes.toString('base64'), ...(salt ? { salt: salt.bytes.toString('base64'), position: salt.position } : {}), pe });
    }
    case 'scrypt': {
      if (!salt) return fail('custom_password_hash.salt is required with scrypt');
      const param = (name: string, fallback: number) => (hash[name] === undefined ? fallback : hash[name]);
      const keylen = param('keylen', 64);
      const cost = param('cost', 16384);
      const blockSize = param('blockSize', 8);
      const parallelization = param('parallelization', 1);
      for (const [name, n] of Object.entries({ keylen, cost, blockSize, parallelization })) {
        if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) return fail(`custom_password_hash.hash.${name} must be a positive integer`);
      }
      if (((cost as number) & ((cost as number) - 1)) !== 0 || (cost as number) < 2) return fail('custom_password_hash.hash.cost must be a power of two');
      if (128 * (cost as number) * (blockSize as number) > MAX_SCRYPT_MEMORY) return fail('scrypt cost × blockSize needs more than 256 MiB');
      const bytes = decodeBytes(value, encoding ?? 'hex');
      if (!bytes || bytes.length !== keylen) return fail(`custom_password_hash.hash.value is not ${String(keylen)} bytes in ${encoding ?? 'hex'}`);
      return stored({
        a: 'scrypt',
        hash: bytes.toString('base64'),
        salt: salt.bytes.toString('base64'),
        position: salt.position,
        keylen: keylen as number,
        cost: cost as number,
        blockSize: blockSize as number,
        parallelization: parallelization as number,
        pe,
      });
    }
    default: {
      if (!PLAIN.has(algorithm)) return fail(`custom_password_hash.algorithm ${algorithm} is not supported (argon2, bcrypt, hmac, ldap, md4, md5, sha1, sha256, sha512, pbkdf2, scrypt)`);
      const bytes = decodeBytes(value, encoding ?? 'hex');
      if (!bytes || bytes.length !== DIGEST_BYTES[algorithm]) return fail(`custom_password_hash.hash.value is not a ${algorithm} digest in ${encoding ?? 'hex'}`);
      return stored({ a: 'plain', digest: algorithm, hash: bytes.toString('base64'), ...(salt ? { salt: salt.bytes.toString('base64'), position: salt.position } : {}), pe });
    }
  }
}

async function digestOf(digest: string, data: Buffer): Promise<Buffer> {
  if (digest === 'md4') return Buffer.from(await md4(data), 'hex');
  return createHash(digest).update(data).digest();
}

function salted(password: Buffer, salt: string | undefined, position: 'prefix' | 'suffix' | undefined): Buffer {
  if (salt === undefined) return password;
  const bytes = Buffer.from(salt, 'base64');
  return position === 'suffix' ? Buffer.concat([password, bytes]) : Buffer.concat([bytes, password]);
}

async function computeImported(imported: Imported, candidate: string): Promise<Buffer> {
  const password = Buffer.from(candidate, imported.pe);
  switch (imported.a) {
    case 'plain':
      return digestOf(imported.digest, salted(password, imported.salt, imported.position));
    case 'hmac': {
      const key = Buffer.from(imported.key, 'base64');
      const data = salted(password, imported.salt, imported.position);
      if (imported.digest === 'md4') {
        const hmac = await createHMAC(createMD4(), key);
        hmac.init().update(data);
        return Buffer.from(hmac.digest('binary'));
      }
      return createHmac(imported.digest, key).update(data).digest();
    }
    case 'ldap':
      // RFC 2307: digest(password + salt), the salt appended to the digest in the stored value.
      return digestOf(imported.digest, salted(password, imported.salt, 'suffix'));
    case 'pbkdf2': {
      const salt = Buffer.from(imported.salt, 'base64');
      if (imported.digest === 'md4') {
        const hex = await wasmPbkdf2({ password, salt, iterations: imported.iterations, hashLength: imported.length, hashFunction: createMD4(), outputType: 'hex' });
        return Buffer.from(hex, 'hex');
      }
      return pbkdf2(password, salt, imported.iterations, imported.length, imported.digest);
    }
    case 'scrypt':
      return scrypt(password, Buffer.from(imported.salt, 'base64'), imported.keylen, {
        N: imported.cost,
        r: imported.blockSize,
        p: imported.parallelization,
        maxmem: MAX_SCRYPT_MEMORY + 1024 * 1024,
      });
  }
}

function decodeImported(stored: string): Imported | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(stored.slice(IMPORTED_PREFIX.length), 'base64url').toString('utf8')) as Imported;
    return isObject(parsed) && typeof parsed.a === 'string' && typeof parsed.hash === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

const sameBytes = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);

/** Guardline's own hashes: argon2id with the parameters of src/crypto/password.ts. */
const OWN_ARGON2ID = /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/;

/**
 * Checks `candidate` against any stored form. `needsRehash` is true when it matches a hash that is not Guardline's
 * own argon2id: the caller then stores a fresh one. A garbled or unknown stored value never matches and never throws.
 */
export async function verifyStoredPassword(stored: string, candidate: string): Promise<{ matches: boolean; needsRehash: boolean }> {
  try {
    if (stored.startsWith('$argon2')) {
      const matches = await verifyArgon2(stored, candidate);
      return { matches, needsRehash: matches && !OWN_ARGON2ID.test(stored) };
    }
    if (BCRYPT.test(stored)) {
      // bcryptjs reads $2y$ as $2b$ (the same algorithm); it compares in constant time.
      const matches = await bcrypt.compare(candidate, stored.replace(/^\$2y\$/, '$2b$'));
      return { matches, needsRehash: matches };
    }
    if (stored.startsWith(IMPORTED_PREFIX)) {
      const imported = decodeImported(stored);
      if (!imported) return { matches: false, needsRehash: false };
      const matches = sameBytes(await computeImported(imported, candidate), Buffer.from(imported.hash, 'base64'));
      return { matches, needsRehash: matches };
    }
  } catch {
    // A stored value this code cannot read is a failed check, not a failed request.
  }
  return { matches: false, needsRehash: false };
}
