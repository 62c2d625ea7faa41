import cookie from '@fastify/cookie';
import type { FastifyError, FastifyPluginAsync } from 'fastify';
import { OAuthError } from '../../errors/errors.js';
import { negotiateLocale } from '../../i18n/negotiate.js';
import { SUPPORTED_LOCALES, type Locale } from '../../services/tenants.js';
import type { App, SurfaceOptions } from '../types.js';
import authorizeRoute from './authorize.js';
import { asUnavailable, logUnavailable, RETRY_AFTER_SECONDS } from '../unavailable.js';
import { sendPage } from './html.js';
import loginRoute from './login.js';
import logoutRoute from './logout.js';
import mfaScreenRoutes from './mfa/routes.js';
import enrollmentTicketRoute from './mfa/ticket.js';
import { errorPage } from './pages.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The locale of the login transaction once a page has opened it: its error pages speak it too. */
    pageLocale: Locale | undefined;
  }
}

/**
 * `/authorize`, `/u/login` and `/v2/logout`: the pages a browser sees. Registered inside the auth surface (which resolves the
 * tenant first); its own error handler answers with a localised HTML page instead of JSON.
 */
export const loginSurface: FastifyPluginAsync<SurfaceOptions> = async (instance, { services }) => {
  const app = instance as unknown as App;
  await app.register(cookie);
  app.decorateRequest('pageLocale', undefined);
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const tenant = request.tenant ?? { defaultLocale: 'en', supportedLocales: [...SUPPORTED_LOCALES] };
    const locale = request.pageLocale ?? negotiateLocale(tenant, undefined, request.headers['accept-language']);
    const unavailable = asUnavailable(err);
    if (unavailable) {
      logUnavailable(request, unavailable);
      reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      return sendPage(reply, 503, errorPage(locale, 'error.unavailable'));
    }
    if (err instanceof OAuthError && err.statusCode === 404) return sendPage(reply, 404, errorPage(locale, 'error.no_tenant'));
    if (err.validation || (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500)) {
      return sendPage(reply, err.statusCode && err.statusCode !== 500 ? err.statusCode : 400, errorPage(locale, 'error.bad_request'));
    }
    request.log.error({ err, req_id: request.id }, 'unhandled login page error');
    return sendPage(reply, 500, errorPage(locale, 'error.internal', { requestId: request.id }));
  });
  authorizeRoute(app, services);
  loginRoute(app, services);
  logoutRoute(app, services);
  mfaScreenRoutes(app, services);
  enrollmentTicketRoute(app, services);
};
