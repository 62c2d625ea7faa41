import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../../services/index.js';
import type { LoginState } from '../../../services/login-state.js';
import type { Tenant } from '../../../services/tenants.js';
import { readBindingCookie } from '../binding-cookie.js';

/**
 * The login state a page carries (`state`, sealed; services/login-state.ts) and the CSRF token its forms post
 * (`csrf`): an HMAC of the browser's binding cookie, so a form only works from the browser the login started in.
 */
export function csrfTokenFor(services: Services, binding: string): string {
  return createHmac('sha256', services.deps.secretBox.derive('login-csrf')).update(binding).digest('base64url');
}

export function csrfMatches(services: Services, binding: string, presented: string | undefined): boolean {
  if (!presented) return false;
  const expected = Buffer.from(csrfTokenFor(services, binding));
  const given = Buffer.from(presented);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export interface OpenedPage {
  state: LoginState;
  binding: string;
}

/** The state of a page request (form body or `?state=`), opened with the browser's binding cookie. */
export async function openPageState(services: Services, tenant: Tenant, request: FastifyRequest, sealed: string | undefined): Promise<OpenedPage | undefined> {
  const binding = readBindingCookie(request);
  if (!sealed || !binding) return undefined;
  const state = await services.loginState.open(tenant, sealed, binding);
  return state ? { state, binding } : undefined;
}

/** Post/redirect/get: a step that succeeded shows its next screen at `/u/<screen>?state=…` (reload sends nothing again). */
export async function redirectToScreen(services: Services, reply: FastifyReply, tenant: Tenant, screen: string, page: OpenedPage): Promise<FastifyReply> {
  const sealed = await services.loginState.seal(tenant, page.state, page.binding, new Date(page.state.expiresAt));
  return reply.header('cache-control', 'no-store').redirect(`/u/${screen}?state=${encodeURIComponent(sealed)}`, 303);
}
