import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../../services/index.js';
import type { LoginMfaStep } from '../../../services/login-mfa/flow.js';
import { sendPage } from '../html.js';
import { errorPage } from '../views/error.js';
import { finishSecondFactor } from './finish.js';
import { redirectToScreen, type OpenedPage } from './page-state.js';
import { refusalOnPage } from './refusal-keys.js';
import { renderMfaScreen } from './render.js';

/**
 * Turns a step of the second factor into the page's answer: the next screen (303 to its GET), the same screen with
 * its localised error and status, the end of the login, or the "start again" page.
 */
export async function answer(
services: Services,
request: FastifyRequest,
reply: FastifyReply,
page: OpenedPage,
step: LoginMfaStep,
typed?: { phone?: string | undefined; country?: string | undefined },
): Promise<FastifyReply> {
  const { tenant } = request;
  switch (step.kind) {
    case 'restart': {
      const { status } = refusalOnPage(step.refusal);
      return sendPage(reply, status, errorPage(page.state.locale, 'mfa.error.transaction-not-found'));
    }
    case 'proven':
      return finishSecondFactor(services, request, reply, page, step);
    case 'screen': {
      const next: OpenedPage = { ...page, state: { ...page.state, mfa: step.stage } };
      if (!step.refusal) return redirectToScreen(services, reply, tenant, step.screen, next);
      const shown = refusalOnPage(step.refusal);
      if (shown.retryAfterMs !== undefined) reply.header('retry-after', String(Math.ceil(shown.retryAfterMs / 1000)));
      return renderMfaScreen(services, request, reply, step.screen, next, { status: shown.status, error: shown.key, ...(typed ? { typed } : {}) });
    }
  }
}

