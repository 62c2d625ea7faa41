import type { FastifyReply, FastifyRequest } from 'fastify';
import { LOGIN_TRANSACTION_SECONDS } from '../../services/authorization.js';
import type { Tenant } from '../../services/tenants.js';

/**
 * The cookie that binds a login transaction to the browser that started it, so a form posted from another
 * browser (login CSRF) or a leaked transaction alone cannot complete a login. Parsed and serialised by
 * @fastify/cookie (registered by the login surface).
 */
export const BINDING_COOKIE = 'guardline_login';

export function setBindingCookie(reply: FastifyReply, tenant: Tenant, value: string): void {
  reply.setCookie(BINDING_COOKIE, value, {
    // Every Universal Login page under /u: the login form, the MFA screens, enrolment tickets.
    path: '/u',
    maxAge: LOGIN_TRANSACTION_SECONDS,
    httpOnly: true,
    sameSite: 'lax',
    secure: tenant.issuer.startsWith('https:'),
  });
}

export function readBindingCookie(request: FastifyRequest): string | undefined {
  return request.cookies[BINDING_COOKIE];
}
