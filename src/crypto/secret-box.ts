import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * Authenticated encryption at rest (AES-256-GCM) with the instance secret key. Written by hand: it is a
 * dozen lines over node:crypto, and a library would add a dependency for the same calls.
 *
 * Sealed form: `v1.<key id>.<iv>.<tag>.<ciphertext>` (base64url), where the key id is the first 8 hex chars of
 * SHA-256(key), so a value sealed under another key fails loudly instead of decrypting to garbage.
 */
export class SecretBox {
  private readonly keyId: string;
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('SecretBox needs a 32-byte key');
    this.keyId = createHash('sha256').update(key).digest('hex').slice(0, 8);
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(this.keyId));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return ['v1', this.keyId, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join('.');
  }

  open(sealed: string): string {
    const [version, keyId, iv, tag, ciphertext] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || ciphertext === undefined) throw new Error('not a sealed value');
    if (keyId !== this.keyId) throw new Error('sealed with a different GUARDLINE_SECRET_KEY');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(keyId));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** A key for another purpose, derived so one configured secret serves several uses without reuse. */
  derive(purpose: string): Buffer {
    return createHmac('sha256', this.key).update(`guardline:${purpose}`).digest();
  }
}

/** SHA-256 hex of a high-entropy token (authorization codes, refresh tokens): enough to look it up, useless if leaked. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
