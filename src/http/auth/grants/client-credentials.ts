import { GRANT_TYPES } from '../../../domain/grant-types.js';
import { parseScopeParam } from '../../../domain/scopes.js';
import { OAuthError } from '../../../errors/errors.js';
import { requestContext } from '../../types.js';
import { authenticateClient, requireGrantType } from '../client-auth.js';
import type { Grant } from './grant.js';

/** `client_credentials` with Auth0's `audience`: a JWT for the Management API carrying the granted scopes. */
export const clientCredentialsGrant: Grant = {
  grantType: GRANT_TYPES.clientCredentials,
  async handle(request, body, services) {
    const tenant = request.tenant;
    const client = await authenticateClient(services, request, body);
    const fail = async (err: OAuthError): Promise<never> => {
      await services.events.record(tenant.id, { type: 'feccft', description: err.description, clientId: client.client_id, clientName: client.name }, requestContext(request));
      throw err;
    };
    if (client.token_endpoint_auth_method === 'none') {
      return fail(new OAuthError('unauthorized_client', 'A public client cannot use the client_credentials grant.'));
    }
    try {
      requireGrantType(services, client, GRANT_TYPES.clientCredentials);
    } catch (err) {
      return fail(err as OAuthError);
    }
    const audience = body.audience;
    if (!audience) return fail(new OAuthError('access_denied', 'No audience parameter was provided, and no default audience has been configured'));
    if (!tenant.managementAudiences.includes(audience)) return fail(new OAuthError('access_denied', `Service not found: ${audience}`));
    const granted = await services.clientGrants.grantedScopes(tenant, client.client_id, audience);
    if (!granted) {
      return fail(
        new OAuthError('access_denied', `Client is not authorized to access "${audience}". You need to create a "client-grant" associated to this API.`),
      );
    }
    const requested = parseScopeParam(body.scope);
    const notGranted = requested.filter((s) => !granted.includes(s));
    if (notGranted.length > 0) return fail(new OAuthError('access_denied', `Client has not been granted scopes: ${notGranted.join(', ')}`));
    const scopes = requested.length > 0 ? requested : granted;

    const { token, expiresIn } = await services.tokens.accessToken(tenant, {
      sub: `${client.client_id}@clients`,
      audience,
      scope: scopes,
      azp: client.client_id,
      grantType: 'client-credentials',
    });
    await services.events.record(tenant.id, { type: 'seccft', clientId: client.client_id, clientName: client.name, details: { audience, scope: scopes.join(' ') } }, requestContext(request));
    return { access_token: token, token_type: 'Bearer', expires_in: expiresIn, scope: scopes.join(' ') };
  },
};
