import type { Kysely, Selectable } from 'kysely';
import type { Database, EnrollmentTicketsTable } from '../schema.js';

export type EnrollmentTicketRow = Selectable<EnrollmentTicketsTable>;

export function enrollmentTicketRepository(db: Kysely<Database>) {
  return {
    insert: (row: EnrollmentTicketRow) => db.insertInto('enrollment_tickets').values(row).execute(),
    findByHash: (tenantId: string, ticketHash: string) =>
      db.selectFrom('enrollment_tickets').selectAll().where('tenant_id', '=', tenantId).where('ticket_hash', '=', ticketHash).executeTakeFirst(),
  };
}
