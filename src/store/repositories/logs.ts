import type { Kysely, Selectable } from 'kysely';
import { preparedInsert } from '../prepared.js';
import type { Database, LogsTable } from '../schema.js';

/** Most requests write one event: compiled once (prepared.ts). */
const insertLog = preparedInsert<Selectable<LogsTable>>('logs', {
  log_id: true,
  tenant_id: true,
  date: true,
  type: true,
  description: true,
  client_id: true,
  client_name: true,
  user_id: true,
  user_name: true,
  connection: true,
  ip: true,
  user_agent: true,
  hostname: true,
  details: true,
});

export type LogRow = Selectable<LogsTable>;

export interface LogFilter {
  types?: string[];
  userId?: string;
  clientId?: string;
  /** Entries strictly after this log id (Auth0's checkpoint paging with `from`). */
  afterLogId?: string;
}

export function logRepository(db: Kysely<Database>) {
  const filtered = (tenantId: string, filter: LogFilter) => {
    let q = db.selectFrom('logs').selectAll().where('tenant_id', '=', tenantId);
    if (filter.types && filter.types.length > 0) q = q.where('type', 'in', filter.types);
    if (filter.userId !== undefined) q = q.where('user_id', '=', filter.userId);
    if (filter.clientId !== undefined) q = q.where('client_id', '=', filter.clientId);
    if (filter.afterLogId !== undefined) q = q.where('log_id', '>', filter.afterLogId);
    return q;
  };
  return {
    insert: async (row: LogRow): Promise<void> => {
      await insertLog(db, row);
    },
    /** Several entries in one statement (the events of one operation). */
    insertMany: (rows: LogRow[]) => db.insertInto('logs').values(rows).execute(),
    find: (tenantId: string, logId: string) =>
      db.selectFrom('logs').selectAll().where('tenant_id', '=', tenantId).where('log_id', '=', logId).executeTakeFirst(),
    list: (tenantId: string, filter: LogFilter, page: { offset: number; limit: number; order: 'asc' | 'desc' }) =>
      filtered(tenantId, filter).orderBy('log_id', page.order).offset(page.offset).limit(page.limit).execute(),
    async count(tenantId: string, filter: LogFilter): Promise<number> {
      const rows = await filtered(tenantId, filter).clearSelect().select((eb) => eb.fn.countAll<string | number>().as('n')).execute();
      return Number(rows[0]?.n ?? 0);
    },
  };
}
