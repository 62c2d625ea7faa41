import { Migrator, sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrationProvider } from '../../src/store/migrations/index.js';
import { DIALECTS, openTestDatabase } from '../support/harness.js';

describe.each(DIALECTS)('migration 0011_log_streams (%s)', (dialect) => {
  it('copies the existing events into the outbox in log_id order; its down removes the trigger and the tables; up again works', async () => {
    const { handle, drop } = await openTestDatabase(dialect);
    try {
      let migrationTableSchema: string | undefined;
      if (dialect === 'postgres') migrationTableSchema = (await sql<{ s: string }>`select current_schema() as s`.execute(handle.db)).rows[0]!.s;
      const migrator = new Migrator({ db: handle.db, provider: migrationProvider, ...(migrationTableSchema ? { migrationTableSchema } : {}) });
      expect((await migrator.migrateTo('0010_action_delivery')).error).toBeUndefined();
      const db = handle.db as never as Kysely<Record<string, Record<string, unknown>>>;
      const at = '2026-01-01T00:00:00.000Z';
      await db.insertInto('tenants').values({ id: 'ten_1', name: 'one', friendly_name: 'One', default_locale: 'en', supported_locales: '["en"]', created_at: at, updated_at: at }).execute();
      const log = (id: string) => ({ log_id: id, tenant_id: 'ten_1', date: at, type: 's', description: 'x', details: '{}' });
      await db.insertInto('logs').values([log('0003'), log('0001'), log('0002')]).execute();

      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      const outbox = await handle.db.selectFrom('log_outbox').selectAll().orderBy('seq').execute();
      expect(outbox.map((r) => [Number(r.seq), r.log_id])).toEqual([[1, '0001'], [2, '0002'], [3, '0003']]);
      await db.insertInto('logs').values(log('0004')).execute();
      expect((await handle.db.selectFrom('log_outbox').select('log_id').where('seq', '=', 4).executeTakeFirst())?.log_id).toBe('0004');

      expect((await migrator.migrateTo('0010_action_delivery')).error).toBeUndefined();
      await db.insertInto('logs').values(log('0005')).execute(); // no trigger left to write into a dropped table
      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      expect(await handle.db.selectFrom('log_outbox').select('log_id').orderBy('seq').execute()).toEqual(['0001', '0002', '0003', '0004', '0005'].map((log_id) => ({ log_id })));
    } finally {
      await drop();
    }
  });
});
