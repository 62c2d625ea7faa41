import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MessageChannel } from '../../../domain/message-templates.js';
import { phoneFromForm } from '../../../domain/phone-number.js';
import type { Services } from '../../../services/index.js';
import { challengeScreen, channelOfEnrollmentScreen, isMfaScreen, type MfaScreen } from '../../../services/login-mfa/screens.js';
import type { LoginMfaStep, LoginClient } from '../../../services/login-mfa/flow.js';
import { TICKET_CLIENT } from '../../../services/login-mfa/flow.js';
import { negotiateLocale } from '../../../i18n/negotiate.js';
import { requestContext, type App } from '../../types.js';
import { sendPage } from '../html.js';
import { errorPage } from '../views/error.js';
import { answer } from './answer.js';
import { csrfMatches, openPageState, type OpenedPage } from './page-state.js';
import { renderMfaScreen } from './render.js';

const field = (max: number) => Type.Optional(Type.String({ maxLength: max }));

/** Every form of the MFA screens posts these (Auth0's field names, reference §8, plus `csrf`). */
const MfaForm = Type.Object(
  {
    state: Type.String({ maxLength: 16_384 }),
    csrf: field(128),
    action: field(64),
    code: field(64),
    phone: field(64),
    country_code: field(8),
    type: field(16),
    rememberBrowser: field(8),
    recovery_code: field(128),
    saved: field(8),
  },
  { additionalProperties: true },
);

const ScreenParams = Type.Object({ screen: Type.String({ maxLength: 64 }) });

const otherChannel = (channel: MessageChannel): MessageChannel => (channel === 'sms' ? 'voice' : 'sms');
const asChannel = (value: string | undefined): MessageChannel | undefined => (value === 'sms' || value === 'voice' ? value : undefined);

/**
 * `/u/<screen>` for Auth0's phone MFA screen names: GET shows a screen from its sealed state, POST runs the step its
 * form asks for (`action`) and answers with the next screen (303 to its GET), the same screen with a localised error,
 * or the end of the login. Enrolment tickets (`/u/guardian/enroll`) run the same screens and end on a result page.
 */
export default function mfaScreenRoutes(app: App, services: Services) {
  const { loginMfa } = services;

  /** The page language before a state is open: the browser's, within the tenant's locales. */
  const browserLocale = (request: FastifyRequest) => request.pageLocale ?? negotiateLocale(request.tenant, undefined, request.headers['accept-language']);

  /** A page whose state cannot be used (forged, expired, another browser): start again. */
  const expired = (request: FastifyRequest, reply: FastifyReply, status = 400) => sendPage(reply, status, errorPage(browserLocale(request), 'mfa.error.transaction-not-found'));

  app.get('/u/:screen', {
    schema: { summary: 'Show a Universal Login MFA screen', params: ScreenParams, querystring: Type.Object({ state: field(16_384) }, { additionalProperties: true }) },
    handler: async (request, reply) => {
      const { screen } = request.params;
      if (!isMfaScreen(screen)) return sendPage(reply, 404, errorPage(browserLocale(request), 'error.bad_request'));
      const page = await openPageState(services, request.tenant, request, request.query.state);
      if (!page?.state.mfa) return expired(request, reply);
      request.pageLocale = page.state.locale;
      return renderMfaScreen(services, request, reply, screen, page, { status: 200 });
    },
  });

  app.post('/u/:screen', {
    schema: { summary: 'Submit a Universal Login MFA screen', params: ScreenParams, body: MfaForm },
    handler: async (request, reply) => {
      const { tenant, body } = request;
      const screen = request.params.screen;
      if (!isMfaScreen(screen)) return sendPage(reply, 404, errorPage(browserLocale(request), 'error.bad_request'));
      const page = await openPageState(services, tenant, request, body.state);
      if (!page?.state.mfa || !csrfMatches(services, page.binding, body.csrf)) return expired(request, reply, 403);
      request.pageLocale = page.state.locale;
      const limited = await loginMfa.limitPrompt(tenant, request.ip);
      if (!limited.ok) {
        reply.header('retry-after', String(Math.ceil(limited.retryAfterMs / 1000)));
        return sendPage(reply, 429, errorPage(page.state.locale, 'error.too_many_requests'));
      }
      const client = await loginClient(tenant, page);
      if (!client) return expired(request, reply);
      const stage = page.state.mfa;
      const { locale } = page.state;
      const context = requestContext(request);
      const action = body.action ?? 'default';
      const step = await (async (): Promise<LoginMfaStep> => {
        switch (screen as MfaScreen) {
          case 'mfa-phone-enrollment':
          case 'mfa-sms-enrollment':
          case 'mfa-voice-enrollment': {
            const channel = channelOfEnrollmentScreen(screen as MfaScreen) ?? asChannel(body.type) ?? 'sms';
            return loginMfa.enrol(tenant, client, stage, { phone: phoneFromForm(body.country_code, body.phone), channel }, screen as MfaScreen, locale, context);
          }
          case 'mfa-phone-challenge': {
            if (action === 'pick-authenticator') return { kind: 'screen', screen: 'mfa-login-options', stage };
            return loginMfa.pick(tenant, client, stage, asChannel(body.type) ?? stage.channel ?? 'sms', locale, context);
          }
          case 'mfa-sms-challenge':
          case 'mfa-voice-challenge': {
            const channel: MessageChannel = screen === 'mfa-voice-challenge' ? 'voice' : 'sms';
            if (action === 'resend-code') return loginMfa.resend(tenant, client, stage, stage.channel ?? channel, locale, context);
            if (action === 'switch-to-voice' || action === 'switch-to-sms') return loginMfa.resend(tenant, client, stage, otherChannel(stage.channel ?? channel), locale, context);
            if (action === 'pick-authenticator') return { kind: 'screen', screen: 'mfa-login-options', stage };
            if (action === 'back-action' && stage.mode === 'enroll') return loginMfa.restartEnrolment(tenant, stage);
            return loginMfa.verify(tenant, client, stage, body.code ?? '', body.rememberBrowser === 'true', context);
          }
          case 'mfa-login-options': {
            const choice = action.startsWith('selection-action::') ? action.slice('selection-action::'.length) : '';
            if (action === 'back-action' && stage.channel && stage.oobCode) return { kind: 'screen', screen: challengeScreen(stage.channel), stage };
            if (choice === 'recovery-code') return { kind: 'screen', screen: 'mfa-recovery-code-challenge', stage };
            const picked = asChannel(choice);
            if (picked) return loginMfa.pick(tenant, client, stage, picked, locale, context);
            return { kind: 'screen', screen: 'mfa-login-options', stage };
          }
          case 'mfa-recovery-code-challenge':
            if (action === 'back-action') return { kind: 'screen', screen: 'mfa-login-options', stage };
            return loginMfa.recover(tenant, client, stage, body.recovery_code ?? body.code ?? '', context);
          case 'mfa-recovery-code-enrollment':
            if (body.saved !== 'true' && body.saved !== 'on') return { kind: 'screen', screen, stage, refusal: { code: 'not_confirmed' } };
            return loginMfa.confirmRecorded(stage);
        }
      })();
      return answer(services, request, reply, page, step, { phone: body.phone, country: body.country_code });
    },
  });

  async function loginClient(tenant: FastifyRequest['tenant'], page: OpenedPage): Promise<LoginClient | undefined> {
    const clientId = page.state.req?.clientId;
    if (clientId === undefined) return TICKET_CLIENT;
    return services.clients.find(tenant, clientId);
  }
}
