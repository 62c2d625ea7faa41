import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthorizationRequest } from '../../../services/authorization.js';
import type { Services } from '../../../services/index.js';
import { MFA_TRANSACTION_MS } from '../../../services/login-mfa/flow.js';
import type { ClientRow } from '../../../store/repositories/clients.js';
import type { UserWithConnection } from '../../../store/repositories/users.js';
import { requestContext } from '../../types.js';
import { readBindingCookie, setBindingCookie } from '../binding-cookie.js';
import { sendPage } from '../html.js';
import { errorPage } from '../views/error.js';
import { answer } from './answer.js';
import { readRememberCookie } from './finish.js';

/**
 * The password was right and a second factor is due: a remembered browser completes the login at once; otherwise
 * the first MFA screen opens (its state sealed for this browser, for as long as the MFA transaction lives).
 */
export async function beginSecondFactor(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  authz: AuthorizationRequest,
  { client, user }: { client: ClientRow; user: UserWithConnection },
): Promise<FastifyReply> {
  const { tenant } = request;
  const binding = readBindingCookie(request);
  if (!binding) return sendPage(reply, 400, errorPage(authz.locale, 'error.transaction_expired'));
  const step = await services.loginMfa.begin(tenant, client, user, { scope: authz.scope, audience: authz.audience ?? null }, readRememberCookie(request), authz.locale, requestContext(request));
  const expiresAt = services.deps.clock.now().getTime() + MFA_TRANSACTION_MS;
  const page = { binding, state: { req: authz, locale: authz.locale, expiresAt } };
  // The binding cookie must outlive the MFA transaction it now also guards.
  if (step.kind === 'screen') setBindingCookie(reply, tenant, binding);
  return answer(services, request, reply, page, step);
}
