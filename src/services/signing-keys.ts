import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { newId } from '../domain/ids.js';
import { NotFoundError, ValidationError } from '../errors/errors.js';
import type { Repositories } from '../store/store.js';
import type { SigningKeyRow } from '../store/repositories/signing-keys.js';
import type { ConfigCache, VersionedTenant } from './config-cache.js';
import type { ServiceDeps } from './context.js';

const ALG = 'RS256';

/** An imported asymmetric key as jose returns it (a WebCrypto CryptoKey). */
export type JoseKey = Exclude<Awaited<ReturnType<typeof importJWK>>, Uint8Array>;

/** Auth0's signing key object (`GET /api/v2/keys/signing`), without the certificate fields we do not issue. */
export interface SigningKeyView {
  kid: string;
  alg: string;
  current: boolean;
  next: boolean;
  previous: boolean;
  revoked: boolean;
  current_since?: string;
  revoked_at?: string;
}

/**
 * Per-tenant RS256 signing keys with Auth0's life cycle: `next` → `current` → `previous` → `revoked`.
 * Every tenant has its own keys, so a token signed for one tenant never verifies on another.
 */
export function createSigningKeys(
  { store, clock, random, secretBox }: Pick<ServiceDeps, 'store' | 'clock' | 'random' | 'secretBox'>,
  { cache }: { cache: ConfigCache },
) {
  // Imported keys are immutable per kid, so caching them by kid is safe across nodes; which key is current, and
  // whether one is revoked, comes from the tenant's versioned configuration cache (config-cache.ts).
  const privateKeys = new Map<string, JoseKey>();
  const publicKeys = new Map<string, JoseKey>();

  async function generate(tenantId: string, status: 'current' | 'next'): Promise<SigningKeyRow> {
    const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true, modulusLength: 2048 });
    const kid = newId.signingKey(random);
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: ALG, use: 'sig' };
    return {
      kid,
      tenant_id: tenantId,
      alg: ALG,
      private_jwk_sealed: secretBox.seal(JSON.stringify(await exportJWK(privateKey))),
      public_jwk: JSON.stringify(publicJwk),
      status,
      created_at: clock.now().toISOString(),
      rotated_at: null,
      revoked_at: null,
    };
  }

  function view(row: SigningKeyRow): SigningKeyView {
    return {
      kid: row.kid,
      alg: row.alg,
      current: row.status === 'current',
      next: row.status === 'next',
      previous: row.status === 'previous',
      revoked: row.status === 'revoked',
      ...(row.status === 'current' ? { current_since: row.rotated_at ?? row.created_at } : {}),
      ...(row.revoked_at ? { revoked_at: row.revoked_at } : {}),
    };
  }

  return {
    /** Creates the first current and next keys of a new tenant, inside the tenant's creation transaction. */
    async initialise(tenantId: string, repos: Pick<Repositories, 'signingKeys'>): Promise<void> {
      await repos.signingKeys.insert(await generate(tenantId, 'current'));
      await repos.signingKeys.insert(await generate(tenantId, 'next'));
    },

    async signingKey(tenant: VersionedTenant): Promise<{ kid: string; key: JoseKey }> {
      const row = await cache.read(tenant, 'signing-key:current', () => store.signingKeys.findByStatus(tenant.id, 'current'));
      if (!row) throw new Error(`tenant ${tenant.id} has no current signing key`);
      let key = privateKeys.get(row.kid);
      if (!key) {
        key = (await importJWK(JSON.parse(secretBox.open(row.private_jwk_sealed)) as JWK, ALG)) as JoseKey;
        privateKeys.set(row.kid, key);
      }
      return { kid: row.kid, key };
    },

    /** The public key for `kid`, or undefined when the tenant has no such key or it was revoked. */
    async verificationKey(tenant: VersionedTenant, kid: string): Promise<JoseKey | undefined> {
      const row = await cache.read(tenant, `signing-key:${kid}`, () => store.signingKeys.find(tenant.id, kid));
      if (!row || row.status === 'revoked') return undefined;
      let key = publicKeys.get(kid);
      if (!key) {
        key = (await importJWK(JSON.parse(row.public_jwk) as JWK, ALG)) as JoseKey;
        publicKeys.set(kid, key);
      }
      return key;
    },

    /** `/.well-known/jwks.json`: current, next and previous keys (revoked ones are withdrawn). */
    async jwks(tenantId: string): Promise<{ keys: JWK[] }> {
      const rows = await store.signingKeys.list(tenantId);
      return { keys: rows.filter((r) => r.status !== 'revoked').map((r) => JSON.parse(r.public_jwk) as JWK) };
    },

    list: async (tenantId: string) => (await store.signingKeys.list(tenantId)).map(view),

    async get(tenantId: string, kid: string): Promise<SigningKeyView> {
      const row = await store.signingKeys.find(tenantId, kid);
      if (!row) throw new NotFoundError('signing_key', 'Signing key not found');
      return view(row);
    },

    /** Auth0's rotate: next becomes current, current becomes previous, and a fresh next is generated. */
    async rotate(tenantId: string): Promise<{ kid: string }> {
      const fresh = await generate(tenantId, 'next');
      const at = clock.now().toISOString();
      return store.transaction(async (tx) => {
        const current = await tx.signingKeys.findByStatus(tenantId, 'current');
        const next = await tx.signingKeys.findByStatus(tenantId, 'next');
        if (!current || !next) throw new Error(`tenant ${tenantId} has incomplete signing keys`);
        await tx.signingKeys.setStatus(tenantId, current.kid, 'previous');
        await tx.signingKeys.setStatus(tenantId, next.kid, 'current', { rotated_at: at });
        await tx.signingKeys.insert(fresh);
        return { kid: next.kid };
      });
    },

    /** Revokes a previous key: tokens it signed stop verifying and it leaves the JWKS. */
    async revoke(tenantId: string, kid: string): Promise<SigningKeyView> {
      const row = await store.signingKeys.find(tenantId, kid);
      if (!row) throw new NotFoundError('signing_key', 'Signing key not found');
      if (row.status === 'current' || row.status === 'next') {
        throw new ValidationError('Only a previous signing key can be revoked; rotate first');
      }
      const at = clock.now().toISOString();
      await store.signingKeys.setStatus(tenantId, kid, 'revoked', { revoked_at: row.revoked_at ?? at });
      return view({ ...row, status: 'revoked', revoked_at: row.revoked_at ?? at });
    },
  };
}

export type SigningKeys = ReturnType<typeof createSigningKeys>;
