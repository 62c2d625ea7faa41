import type { Kysely, Selectable } from 'kysely';
import type { Database, DevInboxMessagesTable } from '../schema.js';

export type DevInboxMessageRow = Selectable<DevInboxMessagesTable>;

export function devInboxRepository(db: Kysely<Database>) {
  return {
    insert: (row: DevInboxMessageRow) => db.insertInto('dev_inbox_messages').values(row).execute(),
    /** Newest first. */
    list: (tenantId: string, page: { offset: number; limit: number }, recipient?: string) => {
      let query = db.selectFrom('dev_inbox_messages').selectAll().where('tenant_id', '=', tenantId);
      if (recipient) query = query.where('recipient', '=', recipient);
      return query.orderBy('created_at', 'desc').orderBy('id', 'desc').offset(page.offset).limit(page.limit).execute();
    },
    async count(tenantId: string, recipient?: string): Promise<number> {
      let query = db.selectFrom('dev_inbox_messages').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenantId);
      if (recipient) query = query.where('recipient', '=', recipient);
      const row = await query.executeTakeFirstOrThrow();
      return Number(row.n);
    },
    clear: (tenantId: string) => db.deleteFrom('dev_inbox_messages').where('tenant_id', '=', tenantId).execute(),
  };
}
