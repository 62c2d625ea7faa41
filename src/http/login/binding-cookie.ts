import type { FastifyReply, FastifyRequest } from 'fastify';
import { LOGIN_TRANSACTION_SECONDS } from '../../services/authorization.js';
import type { Tenant } from '../../services/tenants.js';

/**
 * The cookie that binds a login transaction to the browser that started it, so a form posted from another
 * browser (login CSRF) or a leaked transaction alone cannot complete a login.
 */
export const BINDING_COOKIE = 'guardline_login';

export function setBindingCookie(reply: FastifyReply, tenant: Tenant, value: string): void {
  const secure = tenant.issuer.startsWith('https:') ? '; Secure' : '';
  reply.header('set-cookie', `${BINDING_COOKIE}=${value}; Path=/u/login; Max-Age=${LOGIN_TRANSACTION_SECONDS}; HttpOnly; SameSite=Lax${secure}`);
}

export function readBindingCookie(request: FastifyRequest): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === BINDING_COOKIE) return value.join('=');
  }
  return undefined;
}
