import type { Kysely, Selectable } from 'kysely';
import type { Database, EnrollmentTicketsTable } from '../schema.js';

export type EnrollmentTicketRow = Selectable<EnrollmentTicketsTable>;

export function enrollmentTicketRepository(db: Kysely<Database>) {
  return {
    insert: (row: EnrollmentTicketRow) => db.insertInto('enrollment_tickets').values(row).execute(),

    find: (tenantId: string, ticketHash: string): Promise<EnrollmentTicketRow | undefined> =>
      db.selectFrom('enrollment_tickets').selectAll().where('tenant_id', '=', tenantId).where('ticket_hash', '=', ticketHash).executeTakeFirst(),

    /** Marks the ticket used unless it already is or has expired; true for the one call that claims it. */
    async claim(tenantId: string, ticketHash: string, now: string): Promise<boolean> {
      const result = await db
        .updateTable('enrollment_tickets')
        .set({ consumed_at: now })
        .where('tenant_id', '=', tenantId)
        .where('ticket_hash', '=', ticketHash)
        .where('consumed_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}
