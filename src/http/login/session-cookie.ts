import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Tenant } from '../../services/tenants.js';

/**
 * The login session cookie (`completeLogin` creates the session; `prompt=none`, single sign-on and `/v2/logout`
 * read it). On TLS it is `SameSite=None; Secure`: the SPA SDK's silent authentication loads `/authorize` in an
 * iframe of the application's site, a third-party context where a Lax cookie is not sent. On plain http (a
 * development issuer such as http://localhost:3000) browsers refuse `SameSite=None` without `Secure`, so it is
 * `Lax`: silent authentication then works for applications on the same site (another port of localhost or of
 * 127.0.0.1), not across sites. HttpOnly always; path `/` because `/authorize` and `/v2/logout` both need it.
 */
export const SESSION_COOKIE = 'guardline_session';

const onTls = (tenant: Tenant) => tenant.issuer.startsWith('https:');

export function setSessionCookie(reply: FastifyReply, tenant: Tenant, session: { token: string; maxAgeSeconds: number }): void {
  reply.setCookie(SESSION_COOKIE, session.token, {
    path: '/',
    maxAge: session.maxAgeSeconds,
    httpOnly: true,
    secure: onTls(tenant),
    sameSite: onTls(tenant) ? 'none' : 'lax',
  });
}

export function clearSessionCookie(reply: FastifyReply, tenant: Tenant): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, secure: onTls(tenant), sameSite: onTls(tenant) ? 'none' : 'lax' });
}

export function readSessionCookie(request: FastifyRequest): string | undefined {
  return request.cookies[SESSION_COOKIE];
}
