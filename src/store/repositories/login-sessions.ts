import type { Kysely, Selectable } from 'kysely';
import type { Database, LoginSessionsTable } from '../schema.js';

export type LoginSessionRow = Selectable<LoginSessionsTable>;

export function loginSessionRepository(db: Kysely<Database>) {
  return {
    insert: (row: LoginSessionRow) => db.insertInto('login_sessions').values(row).execute(),
    /** The session of a cookie, while neither its idle nor its absolute lifetime has run out. */
    findLive: (tenantId: string, sessionHash: string, now: string) =>
      db
        .selectFrom('login_sessions')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('session_hash', '=', sessionHash)
        .where('expires_at', '>', now)
        .where('idle_expires_at', '>', now)
        .executeTakeFirst(),
    /** Pushes the idle expiry forward (never past the absolute one: `findLive` checks both). */
    touch: (tenantId: string, sessionHash: string, idleExpiresAt: string) =>
      db.updateTable('login_sessions').set({ idle_expires_at: idleExpiresAt }).where('tenant_id', '=', tenantId).where('session_hash', '=', sessionHash).execute(),
    delete: (tenantId: string, sessionHash: string) =>
      db.deleteFrom('login_sessions').where('tenant_id', '=', tenantId).where('session_hash', '=', sessionHash).execute(),
  };
}
