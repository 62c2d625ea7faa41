import type { Kysely, Selectable } from 'kysely';
import type { Database, SigningKeysTable } from '../schema.js';

export type SigningKeyRow = Selectable<SigningKeysTable>;
export type SigningKeyStatus = 'current' | 'next' | 'previous' | 'revoked';

export function signingKeyRepository(db: Kysely<Database>) {
  return {
    list: (tenantId: string) =>
      db.selectFrom('signing_keys').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').execute(),
    find: (tenantId: string, kid: string) =>
      db.selectFrom('signing_keys').selectAll().where('tenant_id', '=', tenantId).where('kid', '=', kid).executeTakeFirst(),
    findByStatus: (tenantId: string, status: SigningKeyStatus) =>
      db.selectFrom('signing_keys').selectAll().where('tenant_id', '=', tenantId).where('status', '=', status).executeTakeFirst(),
    insert: (row: SigningKeyRow) => db.insertInto('signing_keys').values(row).execute(),
    setStatus: (tenantId: string, kid: string, status: SigningKeyStatus, patch: { rotated_at?: string; revoked_at?: string } = {}) =>
      db.updateTable('signing_keys').set({ status, ...patch }).where('tenant_id', '=', tenantId).where('kid', '=', kid).execute(),
  };
}
