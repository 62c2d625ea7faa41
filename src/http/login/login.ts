import { Type } from '@sinclair/typebox';
import { negotiateLocale } from '../../i18n/negotiate.js';
import type { Services } from '../../services/index.js';
import { requestContext, type App } from '../types.js';
import { sendLoginCompletion } from './authorization-response.js';
import { readBindingCookie } from './binding-cookie.js';
import { sendPage } from './html.js';
import { errorPage, loginPage } from './pages.js';
import { beginSecondFactor } from './mfa/begin.js';

/**
 * POST /u/login — the login form. Success redirects to the client with `code` and `state`; a wrong password
 * shows the form again with a localised error (429 while brute-force protection blocks the identifier); a forged, expired or unbound transaction shows an error page.
 */
export default function loginRoute(app: App, services: Services) {
  app.post('/u/login', {
    schema: {
      summary: 'Submit the login form',
      body: Type.Object(
        { state: Type.String({ maxLength: 16_384 }), username: Type.Optional(Type.String({ maxLength: 512 })), password: Type.Optional(Type.String({ maxLength: 1024 })) },
        { additionalProperties: true },
      ),
    },
    handler: async (request, reply) => {
      const { tenant, body } = request;
      // The login form's state: a request to log in, not a page of the second factor.
      const opened = await services.loginState.open(tenant, body.state, readBindingCookie(request));
      const authz = opened && !opened.mfa ? opened.req : undefined;
      if (!authz) {
        const locale = negotiateLocale(tenant, undefined, request.headers['accept-language']);
        return sendPage(reply, 400, errorPage(locale, 'error.transaction_expired'));
      }
      request.pageLocale = authz.locale;
      const client = await services.clients.find(tenant, authz.clientId);
      const formTargets = [new URL(authz.redirectUri).origin];
      const branding = await services.branding.forPages(tenant);
      const again = (error: 'login.error.wrong_credentials' | 'login.error.blocked' | 'login.error.missing_fields' | 'login.error.too_many_attempts', status = 400) =>
        sendPage(
          reply,
          status,
          loginPage({ locale: authz.locale, tenantName: tenant.friendlyName, applicationName: client?.name ?? '', state: body.state, username: body.username ?? '', error, branding }),
          { formTargets, branding },
        );

      if (!body.username || !body.password) return again('login.error.missing_fields');
      const outcome = await services.authorization.loginWithPassword(tenant, authz, body.username, body.password, requestContext(request));
      switch (outcome.kind) {
        case 'complete':
          return sendLoginCompletion(reply, tenant, authz.locale, outcome.completion);
        case 'wrong_credentials':
          return again('login.error.wrong_credentials');
        case 'blocked':
          return again('login.error.blocked');
        case 'too_many_attempts':
          return again('login.error.too_many_attempts', 429);
        case 'second_factor':
          return beginSecondFactor(services, request, reply, authz, outcome);
      }
    },
  });
}
