import { hash, verify } from '@node-rs/argon2';

// @node-rs/argon2 exports Algorithm as an ambient const enum, which isolated modules cannot read: 2 = Argon2id.
const ARGON2ID = 2;

/** OWASP's argon2id parameters: m = 19 MiB, t = 2, p = 1. */
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const hashSecret = (secret: string): Promise<string> => hash(secret, OPTIONS);

export async function verifySecret(hashed: string, candidate: string): Promise<boolean> {
  try {
    return await verify(hashed, candidate);
  } catch {
    return false;
  }
}

/**
 * A fixed hash to verify against when the user does not exist, so "no such user" costs the same time as
 * "wrong password" and the response time does not reveal which accounts exist.
 */
let dummyHash: Promise<string> | undefined;
export async function burnPasswordCheck(candidate: string): Promise<void> {
  dummyHash ??= hashSecret('guardline-timing-equaliser');
  await verifySecret(await dummyHash, candidate);
}
