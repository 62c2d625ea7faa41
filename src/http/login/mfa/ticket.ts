import { Type } from '@sinclair/typebox';
import { newId } from '../../../domain/ids.js';
import { negotiateLocale } from '../../../i18n/negotiate.js';
import type { Services } from '../../../services/index.js';
import { MFA_TRANSACTION_MS } from '../../../services/login-mfa/flow.js';
import { requestContext, type App } from '../../types.js';
import { setBindingCookie } from '../binding-cookie.js';
import { sendPage } from '../html.js';
import { errorPage } from '../views/error.js';
import { mfaEnrollTicketErrorPage } from '../views/enroll-result.js';
import { redirectToScreen } from './page-state.js';
import { pageBranding } from './render.js';

/**
 * GET /u/guardian/enroll?ticket=… — the `ticket_url` of `POST /api/v2/guardian/enrollments/ticket`. The first browser
 * to open it gets the enrolment screens for the ticket's user (bound to that browser), once, until it expires; the
 * screens end on "You're all set" instead of a redirect.
 */
export default function enrollmentTicketRoute(app: App, services: Services) {
  app.get('/u/guardian/enroll', {
    schema: { summary: 'Open an enrolment ticket', querystring: Type.Object({ ticket: Type.Optional(Type.String({ maxLength: 256 })) }, { additionalProperties: true }) },
    handler: async (request, reply) => {
      const { tenant } = request;
      const locale = negotiateLocale(tenant, undefined, request.headers['accept-language']);
      request.pageLocale = locale;
      const branding = await pageBranding(services, tenant);
      const limited = await services.loginMfa.limitPrompt(tenant, request.ip);
      if (!limited.ok) {
        reply.header('retry-after', String(Math.ceil(limited.retryAfterMs / 1000)));
        return sendPage(reply, 429, errorPage(locale, 'error.too_many_requests', {}, branding));
      }
      const redeemed = request.query.ticket ? await services.enrollmentTickets.redeem(tenant, request.query.ticket) : ({ ok: false, refusal: 'ticket_not_found' } as const);
      if (!redeemed.ok) {
        const problem = redeemed.refusal === 'ticket_used' ? 'used' : redeemed.refusal === 'ticket_expired' ? 'expired' : 'invalid';
        return sendPage(reply, problem === 'invalid' ? 404 : 410, mfaEnrollTicketErrorPage({ locale, branding, problem }), { branding });
      }
      const user = await services.users.find(tenant, redeemed.userId);
      if (!user || user.blocked === 1) return sendPage(reply, 410, mfaEnrollTicketErrorPage({ locale, branding, problem: 'invalid' }), { branding });
      const step = await services.loginMfa.beginTicket(tenant, user, requestContext(request));
      if (step.kind !== 'screen') return sendPage(reply, 409, errorPage(locale, 'mfa.ticket.already_enrolled', { tenant: tenant.friendlyName }, branding));
      const binding = newId.opaqueToken(services.deps.random);
      setBindingCookie(reply, tenant, binding);
      const expiresAt = services.deps.clock.now().getTime() + MFA_TRANSACTION_MS;
      return redirectToScreen(services, reply, tenant, step.screen, { binding, state: { locale, expiresAt, mfa: step.stage } });
    },
  });
}
