import { createHash, pbkdf2Sync } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { parseImportedPasswordHash } from '../../src/crypto/imported-password.js';
import { createStore } from '../../src/store/store.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { PASSWORD, createClient, createUser, tokenRequest } from './helpers.js';

// The import job stores what parseImportedPasswordHash returns in users.password_hash; this test puts it there
// directly and logs in with the password grant, so the login path is checked apart from the job.
describe.each(DIALECTS)('logging in with an imported password hash (%s)', (dialect) => {
  const ctx = useTestContext(dialect);

  const store = () => createStore(ctx().handle.db, ctx().handle.dialect);
  const salt = 'NaCl-2024';
  const hashes: Record<string, () => string> = {
    bcrypt: () => bcrypt.hashSync(PASSWORD, 4),
    'sha256 with a prefix salt': () => {
      const parsed = parseImportedPasswordHash({
        custom_password_hash: { algorithm: 'sha256', hash: { value: createHash('sha256').update(salt + PASSWORD).digest('hex'), encoding: 'hex' }, salt: { value: salt, position: 'prefix' } },
      });
      if (!parsed.ok) throw new Error(parsed.problem);
      return parsed.stored;
    },
    'pbkdf2-sha256': () => {
      const s = Buffer.from(salt);
      const value = `$pbkdf2-sha256$i=2000,l=32$${s.toString('base64').replace(/=+$/, '')}$${pbkdf2Sync(PASSWORD, s, 2000, 32, 'sha256').toString('base64').replace(/=+$/, '')}`;
      const parsed = parseImportedPasswordHash({ custom_password_hash: { algorithm: 'pbkdf2', hash: { value } } });
      if (!parsed.ok) throw new Error(parsed.problem);
      return parsed.stored;
    },
  };

  for (const [name, make] of Object.entries(hashes)) {
    it(`${name}: the right password logs in and the hash becomes argon2id; a wrong one fails before and after`, async () => {
      const client = await createClient(ctx());
      const user = await createUser(ctx());
      const imported = make();
      await store().users.update(ctx().tenant.id, user.user_id, { password_hash: imported });
      const base = { grant_type: 'password', client_id: client.client_id, client_secret: client.client_secret!, username: user.email };

      expect((await tokenRequest(ctx(), { ...base, password: `${PASSWORD}!` })).statusCode).toBe(403);
      expect((await store().users.find(ctx().tenant.id, user.user_id))?.password_hash).toBe(imported);

      expect((await tokenRequest(ctx(), { ...base, password: PASSWORD })).statusCode).toBe(200);
      const upgraded = (await store().users.find(ctx().tenant.id, user.user_id))?.password_hash;
      expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

      expect((await tokenRequest(ctx(), { ...base, password: PASSWORD })).statusCode).toBe(200);
      expect((await store().users.find(ctx().tenant.id, user.user_id))?.password_hash).toBe(upgraded);
      expect((await tokenRequest(ctx(), { ...base, password: `${PASSWORD}!` })).statusCode).toBe(403);
    });
  }
});
