import type { Kysely, Selectable } from 'kysely';
import type { Database, EnrollmentTicketsTable } from '../schema.js';

export type EnrollmentTicketRow = Selectable<EnrollmentTicketsTable>;

export function enrollmentTicketRepository(db: Kysely<Database>) {
  return {
    insert: (row: EnrollmentTicketRow) => db.insertInto('enrollment_tickets').values(row).execute(),
  };
}
