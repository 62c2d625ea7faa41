import { Type } from '@sinclair/typebox';
import { translator } from '../../i18n/catalogue.js';
import { negotiateLocale } from '../../i18n/negotiate.js';
import type { Services } from '../../services/index.js';
import { requestContext, type App } from '../types.js';
import { escapeHtml, sendPage } from './html.js';
import { layout } from './views/layout.js';
import { errorPage } from './pages.js';
import { clearSessionCookie, readSessionCookie } from './session-cookie.js';

/**
 * GET /v2/logout — Auth0's logout: ends the browser's login session, then redirects to `returnTo` when it is one
 * of the `allowed_logout_urls` of `client_id` (exactly), or shows a localised "You have logged out" page. A
 * `returnTo` that is not allowed (or comes without `client_id`: Guardline has no tenant-level list) is not
 * followed: the session still ends, and the page says why it did not send the user back.
 */
export default function logoutRoute(app: App, services: Services) {
  app.get('/v2/logout', {
    schema: {
      summary: 'Log out (end the login session)',
      querystring: Type.Object(
        { returnTo: Type.Optional(Type.String({ maxLength: 2048 })), client_id: Type.Optional(Type.String({ maxLength: 128 })), ui_locales: Type.Optional(Type.String()) },
        { additionalProperties: true },
      ),
    },
    handler: async (request, reply) => {
      const { tenant, query } = request;
      const locale = negotiateLocale(tenant, query.ui_locales, request.headers['accept-language']);
      const client = query.client_id ? await services.clients.find(tenant, query.client_id) : undefined;
      await services.authorization.logout(tenant, readSessionCookie(request), client, requestContext(request));
      clearSessionCookie(reply, tenant);

      if (query.returnTo !== undefined) {
        if (client && services.clients.logoutUrlsOf(client).includes(query.returnTo)) {
          return reply.header('cache-control', 'no-store').redirect(query.returnTo, 302);
        }
        return sendPage(reply, 400, errorPage(locale, 'logout.return_to_not_allowed', { returnTo: query.returnTo }));
      }
      const t = translator(locale);
      const body = `<h1>${escapeHtml(t('logout.heading'))}</h1><p>${escapeHtml(t('logout.lead', { tenant: tenant.friendlyName }))}</p>`;
      const branding = await services.branding.forPages(tenant);
      return sendPage(reply, 200, layout({ locale, title: t('logout.title'), branding, body }), { branding });
    },
  });
}
