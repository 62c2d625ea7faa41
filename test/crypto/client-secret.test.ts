import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createClientSecrets, hmacDigest, type SecretDigest } from '../../src/crypto/client-secret.js';
import { hashSecret } from '../../src/crypto/password.js';

/** The stored form and its checks, with a digest that counts its calls. */
function counted() {
  const real = hmacDigest(randomBytes(32));
  let calls = 0;
  const digest: SecretDigest = (id, secret) => {
    calls++;
    return real(id, secret);
  };
  return { secrets: createClientSecrets(digest), calls: () => calls };
}

describe('client secret hashes', () => {
  it('are self-describing, deterministic per client, bound to the client id, and verify in one digest', async () => {
    const { secrets, calls } = counted();
    const stored = secrets.hash('client-a', 'the-secret');
    expect(stored).toMatch(/^hmac-sha256\$[A-Za-z0-9_-]{43}$/);
    expect(secrets.hash('client-a', 'the-secret')).toBe(stored);
    expect(secrets.hash('client-b', 'the-secret')).not.toBe(stored);
    // "<length>:<id>:" framing: moving characters between id and secret changes the digest
    expect(secrets.hash('client-a:', 'the-secret')).not.toBe(secrets.hash('client-a', ':the-secret'));
    const before = calls();
    expect(await secrets.verify('client-a', stored, 'the-secret')).toBe('match');
    expect(await secrets.verify('client-a', stored, 'the-secreT')).toBe('mismatch');
    expect(await secrets.verify('client-b', stored, 'the-secret')).toBe('mismatch');
    expect(calls() - before).toBe(3);
  });

  it('a legacy argon2id hash verifies as legacy_match; an unknown or truncated stored value is a mismatch that still costs one digest', async () => {
    const { secrets, calls } = counted();
    const legacy = await hashSecret('old-secret');
    expect(await secrets.verify('c', legacy, 'old-secret')).toBe('legacy_match');
    expect(await secrets.verify('c', legacy, 'other')).toBe('mismatch');
    const before = calls();
    expect(await secrets.verify('c', 'plain-text-secret', 'plain-text-secret')).toBe('mismatch');
    expect(await secrets.verify('c', 'hmac-sha256$AAAA', 'x')).toBe('mismatch');
    secrets.burn('c', 'x');
    expect(calls() - before).toBe(3);
  });
});
