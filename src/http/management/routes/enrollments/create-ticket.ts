import { ManagementError } from '../../../../errors/errors.js';
import type { Services } from '../../../../services/index.js';
import { ManagementErrorBody } from '../../../schemas.js';
import type { App } from '../../../types.js';
import { EnrollmentTicket, EnrollmentTicketBody } from './schemas.js';

/**
 * POST /api/v2/guardian/enrollments/ticket — a link for the user to enroll a phone, valid for five days. Guardline
 * sends no email, so `send_mail: true` is refused; the link is for the administrator to hand over.
 */
export default function createEnrollmentTicketRoute(app: App, services: Services) {
  app.post('/guardian/enrollments/ticket', {
    config: { scopes: ['create:guardian_enrollment_tickets'], operation: 'Create a multi-factor authentication enrollment ticket' },
    schema: {
      summary: 'Create a multi-factor authentication enrollment ticket',
      body: EnrollmentTicketBody,
      response: { 200: EnrollmentTicket, '4xx': ManagementErrorBody },
    },
    handler: async (request) => {
      const { user_id, send_mail, factor, allow_multiple_enrollments } = request.body;
      if (send_mail === true) {
        throw new ManagementError('operation_not_supported', 'send_mail: Guardline sends no email; send "send_mail": false and hand the ticket_url to the user yourself');
      }
      if (factor !== undefined && factor !== 'phone') {
        throw new ManagementError('operation_not_supported', `factor: Guardline enrolls only the phone factor ("phone"), not "${factor}"`);
      }
      if (allow_multiple_enrollments === true) {
        throw new ManagementError('operation_not_supported', 'allow_multiple_enrollments: Guardline enrolls one phone per user');
      }
      return services.enrollmentTickets.create(request.tenant, { userId: user_id, ...(factor ? { factor } : {}) });
    },
  });
}
