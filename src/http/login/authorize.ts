import { Type } from '@sinclair/typebox';
import { negotiateLocale } from '../../i18n/negotiate.js';
import type { Services } from '../../services/index.js';
import type { App } from '../types.js';
import { setBindingCookie } from './binding-cookie.js';
import { sendPage } from './html.js';
import { errorPage, loginPage } from './pages.js';

const param = Type.Optional(Type.String());

/**
 * GET /authorize — authorization code flow with PKCE. Errors found before the redirect_uri is known to be
 * registered are shown as a page; later ones go back to the client as `error` on its redirect_uri.
 */
export default function authorizeRoute(app: App, services: Services) {
  app.get('/authorize', {
    schema: {
      summary: 'Start a login (authorization code flow)',
      querystring: Type.Object(
        {
          response_type: param,
          client_id: param,
          redirect_uri: param,
          scope: param,
          state: param,
          nonce: param,
          audience: param,
          code_challenge: param,
          code_challenge_method: param,
          ui_locales: param,
        },
        { additionalProperties: true },
      ),
    },
    handler: async (request, reply) => {
      const { tenant, query } = { tenant: request.tenant, query: request.query };
      const locale = negotiateLocale(tenant, query.ui_locales, request.headers['accept-language']);
      const outcome = await services.authorization.authorize(tenant, query, locale);
      switch (outcome.kind) {
        case 'page_error':
          return sendPage(reply, 400, errorPage(locale, `error.${outcome.reason}`, { clientId: query.client_id ?? '', redirectUri: query.redirect_uri ?? '' }));
        case 'redirect_error':
          return reply.header('cache-control', 'no-store').redirect(outcome.location, 302);
        case 'login': {
          const { transaction, binding } = await services.authorization.sealTransaction(tenant, outcome.request);
          setBindingCookie(reply, tenant, binding);
          const page = loginPage({ locale, tenantName: tenant.friendlyName, applicationName: outcome.client.name, transaction });
          return sendPage(reply, 200, page, [new URL(outcome.request.redirectUri).origin]);
        }
      }
    },
  });
}
