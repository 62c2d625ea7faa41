import { Type } from '@sinclair/typebox';
import { StrictObject } from '../../../schemas.js';

/** Auth0's enrollment object (`/guardian/enrollments/{id}`, `/users/{id}/enrollments`): the phone, by its `dev_…` id. */
export const Enrollment = Type.Object({
  id: Type.String({ description: 'dev_…' }),
  status: Type.Union([Type.Literal('pending'), Type.Literal('confirmed')]),
  type: Type.String(),
  name: Type.Optional(Type.String({ description: 'The phone number, masked' })),
  phone_number: Type.Optional(Type.String()),
  auth_method: Type.String(),
  enrolled_at: Type.Optional(Type.String()),
  last_auth: Type.Optional(Type.String()),
});

export const EnrollmentIdParams = StrictObject({ id: Type.String({ minLength: 1, maxLength: 300 }) });

/** Auth0's GuardianFactorNameEnum as the ticket body spells it. */
const TICKET_FACTORS = ['push-notification', 'phone', 'email', 'otp', 'webauthn-roaming', 'webauthn-platform'] as const;

export const EnrollmentTicketBody = StrictObject({
  user_id: Type.String({ minLength: 1, maxLength: 300 }),
  email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
  send_mail: Type.Optional(Type.Boolean({ description: 'Guardline sends no email: only false is accepted' })),
  email_locale: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })),
  factor: Type.Optional(Type.Union(TICKET_FACTORS.map((f) => Type.Literal(f)), { description: 'Only phone is available' })),
  allow_multiple_enrollments: Type.Optional(Type.Boolean({ description: 'One phone per user: only false is accepted' })),
});

export const EnrollmentTicket = Type.Object({ ticket_id: Type.String(), ticket_url: Type.String() });

export const RecoveryCode = Type.Object({ recovery_code: Type.String() });
