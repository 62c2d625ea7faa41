import type { FastifyRequest } from 'fastify';
import type { TemplateLocale } from '../../../domain/message-templates.js';
import { negotiateLocale } from '../../../i18n/negotiate.js';
import type { MfaCaller } from '../../../services/mfa-api/index.js';
import type { Services } from '../../../services/index.js';

/** The Bearer token of an `/mfa/*` request (an mfa_token or an MFA API access token), resolved to its caller. */
export function mfaCaller(services: Services, request: FastifyRequest): Promise<MfaCaller> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return services.mfaApi.authenticate(request.tenant, match?.[1]);
}

/**
 * The message locale: Auth0's `x-request-language` header when the tenant supports it, else the tenant's default.
 * It feeds the template's `locale` variable and picks the default template's language.
 */
export function messageLocale(request: FastifyRequest): TemplateLocale {
  const header = request.headers['x-request-language'];
  return negotiateLocale(request.tenant, typeof header === 'string' ? header : undefined, undefined);
}
