import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../../services/index.js';
import type { MfaStage } from '../../../services/login-state.js';
import type { Tenant } from '../../../services/tenants.js';
import { requestContext } from '../../types.js';
import { sendPage } from '../html.js';
import { sendLoginCompletion } from '../authorization-response.js';
import { readSessionCookie } from '../session-cookie.js';
import { errorPage } from '../views/error.js';
import { mfaEnrollResultPage } from '../views/enroll-result.js';
import type { OpenedPage } from './page-state.js';
import { pageBranding } from './render.js';

/** The remember-browser cookie: its own name and path, living as long as the remembered browser (30 days). */
export const REMEMBER_BROWSER_COOKIE = 'guardline_mfa_rb';

export function readRememberCookie(request: FastifyRequest): string | undefined {
  return request.cookies[REMEMBER_BROWSER_COOKIE];
}

function setRememberCookie(reply: FastifyReply, tenant: Tenant, remembered: { token: string; maxAgeSeconds: number }) {
  reply.setCookie(REMEMBER_BROWSER_COOKIE, remembered.token, {
    path: '/u',
    maxAge: remembered.maxAgeSeconds,
    httpOnly: true,
    sameSite: 'lax',
    secure: tenant.issuer.startsWith('https:'),
  });
}

/**
 * The second factor is proven: the login completes once per transaction (`amr: ['mfa']`; a replayed page gets the
 * "start again" page), the browser is remembered when the user asked and the tenant allows it, and the application
 * gets its authorization code. An enrolment ticket ends on its result page instead.
 */
export async function finishSecondFactor(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  page: OpenedPage,
  proven: { userId: string; stage: MfaStage | undefined },
): Promise<FastifyReply> {
  const { tenant } = request;
  const { state } = page;
  const { stage } = proven;
  const branding = await pageBranding(services, tenant);
  if (!(await services.loginMfa.claimCompletion(tenant, stage))) return sendPage(reply, 400, errorPage(state.locale, 'mfa.error.transaction-not-found', {}, branding));
  if (!state.req) return sendPage(reply, 200, mfaEnrollResultPage({ locale: state.locale, branding }));

  const user = await services.users.find(tenant, proven.userId);
  if (!user || user.blocked === 1) return sendPage(reply, 400, errorPage(state.locale, 'mfa.error.transaction-not-found', {}, branding));
  if (stage?.rememberBrowser && (await services.loginSettings.get(tenant)).rememberBrowser) {
    setRememberCookie(reply, tenant, await services.rememberedBrowsers.remember(tenant, user.user_id));
  }
  const previousSession = readSessionCookie(request);
  const completion = await services.authorization.completeLogin(tenant, state.req, user, { amr: ['mfa'] }, requestContext(request), previousSession ? { previousSession } : {});
  return sendLoginCompletion(reply, tenant, state.locale, completion);
}
