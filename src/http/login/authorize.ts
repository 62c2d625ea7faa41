import { Type } from '@sinclair/typebox';
import { negotiateLocale } from '../../i18n/negotiate.js';
import type { Services } from '../../services/index.js';
import { requestContext, type App } from '../types.js';
import { sendAuthorizationResponse, sendLoginCompletion } from './authorization-response.js';
import { setBindingCookie } from './binding-cookie.js';
import { sendPage } from './html.js';
import { errorPage, loginPage } from './pages.js';
import { readSessionCookie } from './session-cookie.js';

const param = Type.Optional(Type.String());

/**
 * GET /authorize — authorization code flow with PKCE, with the parameters of Auth0's SDKs (`response_mode`,
 * `prompt`, `max_age`, `auth0Client`). Errors found before the redirect_uri is known to be registered are shown
 * as a page; later ones go back to the client as `error` in its response mode. A live login session answers
 * without the form (single sign-on, `prompt=none`).
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
          response_mode: param,
          prompt: param,
          max_age: param,
          // The SDKs' telemetry (base64 JSON): accepted whatever it holds, and ignored.
          auth0Client: param,
        },
        { additionalProperties: true },
      ),
    },
    handler: async (request, reply) => {
      const { tenant, query } = { tenant: request.tenant, query: request.query };
      const locale = negotiateLocale(tenant, query.ui_locales, request.headers['accept-language']);
      const outcome = await services.authorization.authorize(tenant, query, locale, { sessionCookie: readSessionCookie(request), context: requestContext(request) });
      switch (outcome.kind) {
        case 'page_error': {
          const key = outcome.reason === 'web_origin_not_allowed' ? 'authorize.web_origin_not_allowed' : (`error.${outcome.reason}` as const);
          return sendPage(reply, 400, errorPage(locale, key, { clientId: query.client_id ?? '', redirectUri: query.redirect_uri ?? '' }));
        }
        case 'redirect_error':
          return sendAuthorizationResponse(reply, locale, outcome.response);
        case 'complete':
          return sendLoginCompletion(reply, tenant, locale, outcome.completion);
        case 'login': {
          const { sealed, binding } = await services.loginState.begin(tenant, outcome.request);
          setBindingCookie(reply, tenant, binding);
          const branding = await services.branding.forPages(tenant);
          const page = loginPage({ locale, tenantName: tenant.friendlyName, applicationName: outcome.client.name, state: sealed, branding });
          return sendPage(reply, 200, page, { formTargets: [new URL(outcome.request.redirectUri).origin], branding });
        }
      }
    },
  });
}
