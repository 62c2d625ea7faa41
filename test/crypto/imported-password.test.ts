import { createHash, createHmac, pbkdf2Sync, scryptSync } from 'node:crypto';
import { hash as argon2Hash } from '@node-rs/argon2';
import bcrypt from 'bcryptjs';
import { md4 } from 'hash-wasm';
import { describe, expect, it } from 'vitest';
import { IMPORTED_PREFIX, parseImportedPasswordHash, verifyStoredPassword } from '../../src/crypto/imported-password.js';
import { hashSecret } from '../../src/crypto/password.js';

const PASSWORD = 'Tr0ub4dor&3-パスワード';
const b64 = (buffer: Buffer) => buffer.toString('base64');
const phc = (buffer: Buffer) => buffer.toString('base64').replace(/=+$/, '');

async function storedFor(custom: unknown): Promise<string> {
  const parsed = parseImportedPasswordHash({ custom_password_hash: custom });
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.stored;
}

async function expectVerifies(stored: string) {
  expect(await verifyStoredPassword(stored, PASSWORD)).toEqual({ matches: true, needsRehash: true });
  expect(await verifyStoredPassword(stored, `${PASSWORD}x`)).toEqual({ matches: false, needsRehash: false });
  expect(await verifyStoredPassword(stored, '')).toEqual({ matches: false, needsRehash: false });
}

describe('imported password hashes', () => {
  const salt = Buffer.from('a1b2c3d4e5f6', 'utf8');

  it('bcrypt as password_hash ($2a$, $2b$) and as custom_password_hash; $2y$ reads as $2b$', async () => {
    const b = bcrypt.hashSync(PASSWORD, 4);
    for (const variant of [b, b.replace('$2b$', '$2a$')]) {
      const parsed = parseImportedPasswordHash({ password_hash: variant });
      expect(parsed).toEqual({ ok: true, stored: variant });
    }
    await expectVerifies(b);
    await expectVerifies(b.replace('$2b$', '$2y$'));
    expect(await storedFor({ algorithm: 'bcrypt', hash: { value: b } })).toBe(b);
  });

  it('argon2 PHC strings of other parameters verify and ask for a rehash; Guardline’s own do not', async () => {
    const foreign = await argon2Hash(PASSWORD, { memoryCost: 8192, timeCost: 1, parallelism: 1 });
    expect(await storedFor({ algorithm: 'argon2', hash: { value: foreign, encoding: 'utf8' } })).toBe(foreign);
    await expectVerifies(foreign);
    const own = await hashSecret(PASSWORD);
    expect(await verifyStoredPassword(own, PASSWORD)).toEqual({ matches: true, needsRehash: false });
  });

  it('plain digests with hex/base64 encodings and a prefix or suffix salt', async () => {
    for (const algorithm of ['md5', 'sha1', 'sha256', 'sha512'] as const) {
      await expectVerifies(await storedFor({ algorithm, hash: { value: createHash(algorithm).update(PASSWORD).digest('hex') } }));
      await expectVerifies(await storedFor({
        algorithm,
        hash: { value: b64(createHash(algorithm).update(Buffer.concat([salt, Buffer.from(PASSWORD)])).digest()), encoding: 'base64' },
        salt: { value: salt.toString('utf8'), position: 'prefix' },
      }));
      await expectVerifies(await storedFor({
        algorithm,
        hash: { value: createHash(algorithm).update(Buffer.concat([Buffer.from(PASSWORD), salt])).digest('hex'), encoding: 'hex' },
        salt: { value: salt.toString('hex'), encoding: 'hex', position: 'suffix' },
      }));
    }
  });

  it('md4 (which OpenSSL 3 refuses) through hash-wasm, and the password encoded as UTF-16LE when told', async () => {
    await expectVerifies(await storedFor({ algorithm: 'md4', hash: { value: b64(Buffer.from(await md4(Buffer.from(PASSWORD, 'utf16le')), 'hex')), encoding: 'base64' }, password: { encoding: 'utf16le' } }));
  });

  it('hmac with a key and a digest (md4 included)', async () => {
    const key = Buffer.from('736868', 'hex');
    await expectVerifies(await storedFor({ algorithm: 'hmac', hash: { value: b64(createHmac('sha1', key).update(PASSWORD).digest()), encoding: 'base64', digest: 'sha1', key: { value: '736868', encoding: 'hex' } } }));
    await expectVerifies(await storedFor({
      algorithm: 'hmac',
      hash: { value: createHmac('sha256', 'k3y').update(Buffer.concat([salt, Buffer.from(PASSWORD)])).digest('hex'), digest: 'sha256', key: { value: 'k3y' } },
      salt: { value: salt.toString('utf8') },
    }));
  });

  it('pbkdf2 PHC strings, including the padded and passlib ("." for "+") base64 forms', async () => {
    const s = Buffer.from('f8ddf9e41f2ad05c', 'hex');
    for (const digest of ['sha1', 'sha256', 'sha512'] as const) {
      const derived = pbkdf2Sync(PASSWORD, s, 1000, 32, digest);
      await expectVerifies(await storedFor({ algorithm: 'pbkdf2', hash: { value: `$pbkdf2-${digest}$i=1000,l=32$${phc(s)}$${phc(derived)}`, encoding: 'utf8' } }));
    }
    const derived = pbkdf2Sync(PASSWORD, s, 500, 64, 'sha512');
    await expectVerifies(await storedFor({ algorithm: 'pbkdf2', hash: { value: `$pbkdf2-sha512$i=500,l=64$${phc(s).replace(/\+/g, '.')}$${phc(derived).replace(/\+/g, '.')}` } }));
  });

  it('ldap RFC 2307 values, salted and not', async () => {
    const ssha = createHash('sha1').update(Buffer.concat([Buffer.from(PASSWORD), salt])).digest();
    await expectVerifies(await storedFor({ algorithm: 'ldap', hash: { value: `{SSHA}${b64(Buffer.concat([ssha, salt]))}`, encoding: 'utf8' } }));
    const ssha384 = createHash('sha384').update(Buffer.concat([Buffer.from(PASSWORD), salt])).digest();
    await expectVerifies(await storedFor({ algorithm: 'ldap', hash: { value: `{SSHA384}${b64(Buffer.concat([ssha384, salt]))}` } }));
    await expectVerifies(await storedFor({ algorithm: 'ldap', hash: { value: `{MD5}${b64(createHash('md5').update(PASSWORD).digest())}` } }));
  });

  it('scrypt with its parameters', async () => {
    const derived = scryptSync(PASSWORD, salt, 32, { N: 1024, r: 8, p: 1 });
    await expectVerifies(await storedFor({ algorithm: 'scrypt', hash: { value: derived.toString('hex'), keylen: 32, cost: 1024, blockSize: 8, parallelization: 1 }, salt: { value: salt.toString('utf8') } }));
  });

  it('refuses, with the field named, what Auth0 refuses', () => {
    const problem = (input: Parameters<typeof parseImportedPasswordHash>[0]) => {
      const parsed = parseImportedPasswordHash(input);
      return parsed.ok ? undefined : parsed.problem;
    };
    expect(problem({ password_hash: '$2b$10$abc', custom_password_hash: {} })).toMatch(/mutually exclusive/);
    expect(problem({ password_hash: '5f4dcc3b5aa765d61d8327deb882cf99' })).toMatch(/bcrypt/);
    expect(problem({ custom_password_hash: { algorithm: 'rot13', hash: { value: 'x' } } })).toMatch(/rot13 is not supported/);
    expect(problem({ custom_password_hash: { algorithm: 'sha256', hash: { value: 'zz' } } })).toMatch(/not a sha256 digest in hex/);
    expect(problem({ custom_password_hash: { algorithm: 'sha256', hash: { value: 'ab', encoding: 'rot' } } })).toMatch(/encoding must be hex, base64 or utf8/);
    expect(problem({ custom_password_hash: { algorithm: 'sha1', hash: { value: 'a'.repeat(40) }, salt: { value: 's', position: 'middle' } } })).toMatch(/position must be prefix or suffix/);
    expect(problem({ custom_password_hash: { algorithm: 'bcrypt', hash: { value: bcrypt.hashSync('x', 4) }, salt: { value: 's' } } })).toMatch(/salt is not allowed/);
    expect(problem({ custom_password_hash: { algorithm: 'pbkdf2', hash: { value: '$pbkdf2-sha256$i=1000$abc$def' } } })).toMatch(/PHC/);
    expect(problem({ custom_password_hash: { algorithm: 'pbkdf2', hash: { value: '$pbkdf2-whirlpool$i=10,l=3$YWJj$YWJj' } } })).toMatch(/whirlpool is not supported/);
    expect(problem({ custom_password_hash: { algorithm: 'pbkdf2', hash: { value: '$pbkdf2-sha256$i=99999999,l=3$YWJj$YWJj' } } })).toMatch(/iterations/);
    expect(problem({ custom_password_hash: { algorithm: 'hmac', hash: { value: 'a'.repeat(40), digest: 'sha1' } } })).toMatch(/key.value is required/);
    expect(problem({ custom_password_hash: { algorithm: 'ldap', hash: { value: '{CRYPT}abc' } } })).toMatch(/RFC 2307/);
    expect(problem({ custom_password_hash: { algorithm: 'scrypt', hash: { value: 'ab' } } })).toMatch(/salt is required/);
    expect(problem({ custom_password_hash: { algorithm: 'scrypt', hash: { value: 'ab', cost: 1000 }, salt: { value: 's' } } })).toMatch(/power of two/);
    expect(problem({ custom_password_hash: { algorithm: 'scrypt', hash: { value: 'ab', cost: 1 << 20, blockSize: 8 }, salt: { value: 's' } } })).toMatch(/256 MiB/);
    expect(problem({ custom_password_hash: { algorithm: 'sha1', hash: { value: 'a'.repeat(40) }, password: { encoding: 'ebcdic' } } })).toMatch(/password.encoding/);
  });

  it('a garbled or unknown stored value never matches and never throws', async () => {
    for (const stored of ['', 'plaintext', '$argon2id$garbage', `${IMPORTED_PREFIX}not-json`, `${IMPORTED_PREFIX}${Buffer.from('{"a":"plain"}').toString('base64url')}`, '$2b$10$short']) {
      expect(await verifyStoredPassword(stored, PASSWORD)).toEqual({ matches: false, needsRehash: false });
    }
  });
});

describe("Auth0's sample import file (auth0-product-education-labs data/bulk-import-users.json)", () => {
  it('parses every custom_password_hash it holds', () => {
    const samples = [
      { algorithm: 'md4', hash: { value: 'AbuUujgF0pPPkJPSFRTpmA==', encoding: 'base64' } },
      { algorithm: 'sha256', hash: { value: 'd24e794fce503c3ddb1cd1ba1dd5d9b250cf9917336a0316fefd87fecf79200f', encoding: 'hex' }, salt: { value: 'abc123', position: 'prefix' } },
      { algorithm: 'bcrypt', hash: { value: '$2b$10$C9hB01.YxRSTcn/ZOOo4j.TW7xCKKFKBSF.C7E0xiUwumqIDqWUXG' } },
      { algorithm: 'argon2', hash: { value: '$argon2id$v=19$m=65536,t=2,p=1$J6Q/82PCyaNpYKRELJyTZg$m04qUAB8rexWDR4+/0f+SFB+4XMFxt7YAvAq2UycYos' } },
      { algorithm: 'pbkdf2', hash: { value: '$pbkdf2-md4$i=100000,l=64$+N375B8q0Fw$fp2R9KAM4hK/votGHC5Fu+jhqbxUD8+Nic/EMSGvNC3UP/k7wSHI0uXluHRSkZfl/BOheYqNOemayG90ZaSSQw', encoding: 'utf8' } },
      { algorithm: 'pbkdf2', hash: { value: '$pbkdf2-sha512$i=100000,l=64$KNyFsA2rWoE$I2CQGI9H0JxdDf3kERRI97kPCGxh0KWBIV3MxyaS191gDGfzVBGyS4BibhgqWQ0/ails8mHuU9ckASxHOOq58w' } },
      { algorithm: 'ldap', hash: { value: '{SSHA384}/cgEjdoZh85DhurDeOQEMO1rMlAur93SVPbYe5XSD4lF7nNuvrBju5hUeg9A6agRemgSXGl5YuE=', encoding: 'utf8' } },
      { algorithm: 'hmac', hash: { value: 'cg7f42jH39/2EaAU4wNd4s2lKIk=', encoding: 'base64', digest: 'sha1', key: { value: '736868', encoding: 'hex' } } },
    ];
    for (const custom of samples) expect(parseImportedPasswordHash({ custom_password_hash: custom })).toMatchObject({ ok: true });
  });
});
