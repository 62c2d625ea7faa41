import { hashToken } from '../crypto/secret-box.js';
import { newId, randomString } from '../domain/ids.js';
import { NotFoundError } from '../errors/errors.js';
import type { ServiceDeps } from './context.js';
import type { Tenant } from './tenants.js';

/** How long a ticket URL stays usable: five days (Auth0 documents no lifetime; see docs/compatibility.md). */
export const ENROLLMENT_TICKET_LIFETIME_MS = 5 * 24 * 60 * 60 * 1000;

/** `POST /api/v2/guardian/enrollments/ticket` response. */
export interface EnrollmentTicketView {
  ticket_id: string;
  ticket_url: string;
}

/**
 * Guardian enrollment tickets: a link an administrator hands to a user so they can enroll a phone without
 * signing in first. The secret travels only in the URL; the store keeps its SHA-256, so a database leak does
 * not leak usable links. The page behind the URL is Universal Login's enrolment (src/http/login/mfa/ticket.ts).
 */

/** Why a ticket URL opens nothing: never issued (or for another tenant), already used, or past its lifetime. */
export type TicketRefusal = 'ticket_not_found' | 'ticket_used' | 'ticket_expired';
export function createEnrollmentTickets({ store, clock, random }: ServiceDeps) {
  return {
    async create(tenant: Tenant, input: { userId: string; factor?: string }): Promise<EnrollmentTicketView> {
      if (!(await store.users.find(tenant.id, input.userId))) throw new NotFoundError('user', 'User not found');
      const secret = newId.opaqueToken(random);
      const id = `tkt_${randomString(random, 16)}`;
      const now = clock.now();
      await store.enrollmentTickets.insert({
        ticket_hash: hashToken(secret),
        id,
        tenant_id: tenant.id,
        user_id: input.userId,
        factor: input.factor ?? null,
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + ENROLLMENT_TICKET_LIFETIME_MS).toISOString(),
        consumed_at: null,
      });
      return { ticket_id: id, ticket_url: `${tenant.issuer}u/guardian/enroll?ticket=${encodeURIComponent(secret)}` };
    },

    /**
     * Uses a ticket up: the one browser that opens it first enrols, once. Returns the ticket's user, or why not.
     * The claim is one conditional update, so two browsers opening the same link cannot both get it.
     */
    async redeem(tenant: Tenant, secret: string): Promise<{ ok: true; userId: string } | { ok: false; refusal: TicketRefusal }> {
      const ticketHash = hashToken(secret);
      const now = clock.now().toISOString();
      if (await store.enrollmentTickets.claim(tenant.id, ticketHash, now)) {
        const row = await store.enrollmentTickets.find(tenant.id, ticketHash);
        if (row) return { ok: true, userId: row.user_id };
      }
      const row = await store.enrollmentTickets.find(tenant.id, ticketHash);
      if (!row) return { ok: false, refusal: 'ticket_not_found' };
      return { ok: false, refusal: row.consumed_at !== null ? 'ticket_used' : 'ticket_expired' };
    },
  };
}

export type EnrollmentTickets = ReturnType<typeof createEnrollmentTickets>;
