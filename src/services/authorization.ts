import { createHash, timingSafeEqual } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { hashToken } from '../crypto/secret-box.js';
import { GRANT_TYPES } from '../domain/grant-types.js';
import { newId } from '../domain/ids.js';
import type { LogType } from '../domain/log-types.js';
import { parseScopeParam } from '../domain/scopes.js';
import { DependencyUnavailableError, OAuthError } from '../errors/errors.js';
import type { OAuthErrorCode } from '../errors/catalogue.js';
import type { ClientRow } from '../store/repositories/clients.js';
import type { UserWithConnection } from '../store/repositories/users.js';
import type { BruteForce } from './brute-force.js';
import type { ClientGrants } from './client-grants.js';
import type { Clients } from './clients.js';
import type { RequestContext, ServiceDeps } from './context.js';
import type { EventLog } from './events.js';
import { recordOutage } from './outage.js';
import type { Locale, Tenant } from './tenants.js';
import { TOKEN_LIFETIMES, issuedInFuture, type Tokens } from './tokens.js';
import { mfaAudience, profileClaims, userinfoAudience, type TokenSet, type UserTokens } from './user-tokens.js';
import type { Users } from './users.js';

/**
 * User logins and the tokens they lead to: the password grant (Auth0's ROPG), the authorization code flow
 * with PKCE (validation of `/authorize`, the login transaction, code issue and exchange), refresh tokens and
 * `/userinfo`. Every outcome writes its Auth0 log event. Failures the caller may see are `OAuthError`s.
 */

/** A login transaction (the signed state the login form carries) lives this long. */
export const LOGIN_TRANSACTION_SECONDS = 15 * 60;

export type { TokenSet } from './user-tokens.js';

/** What the client asked for at `/authorize`, once validated: the login transaction carries exactly this. */
export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  scope: string[];
  state?: string;
  nonce?: string;
  audience?: string;
  codeChallenge?: string;
  locale: Locale;
}

export type AuthorizeQuery = Partial<Record<
  'response_type' | 'client_id' | 'redirect_uri' | 'scope' | 'state' | 'nonce' | 'audience' | 'code_challenge' | 'code_challenge_method',
  string
>>;

/**
 * The three outcomes of validating `/authorize`: a page error (nothing trustworthy to redirect to), a
 * redirect error (the redirect_uri is registered, so the client gets `error` on it), or a request to log in.
 */
export type AuthorizeOutcome =
  | { kind: 'page_error'; reason: 'missing_client_id' | 'unknown_client' | 'missing_redirect_uri' | 'redirect_uri_mismatch' }
  | { kind: 'redirect_error'; location: string }
  | { kind: 'login'; request: AuthorizationRequest; client: ClientRow };

export type LoginOutcome =
  | { kind: 'redirect'; location: string }
  | { kind: 'wrong_credentials' | 'blocked' }
  /** Brute-force protection: the identifier is blocked after too many failed attempts (Auth0's `too_many_attempts`). */
  | { kind: 'too_many_attempts' }
  /** A second factor is due and the login page cannot ask for it yet (Universal Login MFA screens come later). */
  | { kind: 'mfa_unavailable' };

/** base64url(SHA-256(verifier)) compared in constant time with the stored S256 challenge. */
function verifyPkce(challenge: string, verifier: string): boolean {
  if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) return false;
  const computed = Buffer.from(createHash('sha256').update(verifier).digest('base64url'));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}

const userName = (user: UserWithConnection) => user.email ?? user.username ?? user.user_id;

/** What the password grant needs from the MFA service: whether a second factor is due, and starting one. */
export interface SecondFactor {
  isRequired(tenant: Tenant, userId: string): Promise<boolean>;
  /** Records `mfar` and returns the `mfa_token` of a new MFA transaction. */
  start(tenant: Tenant, client: ClientRow, user: UserWithConnection, request: { scope: string[]; audience: string | null }, context: RequestContext): Promise<string>;
}

export function createAuthorization(
  { store, clock, random, secretBox }: ServiceDeps,
  {
    users,
    clients,
    clientGrants,
    tokens,
    userTokens,
    events,
    secondFactor,
    bruteForce,
  }: { users: Users; clients: Clients; clientGrants: ClientGrants; tokens: Tokens; userTokens: UserTokens; events: EventLog; secondFactor: SecondFactor; bruteForce: BruteForce },
) {
  const transactionKey = secretBox.derive('login-transaction');
  const nowIso = () => clock.now().toISOString();

  /** Records `type` for the client (and user) and throws `err`: every refused exchange leaves its log entry. */
  async function refuse(tenant: Tenant, type: LogType, client: ClientRow, err: OAuthError, context: RequestContext, user?: { id?: string; name: string }): Promise<never> {
    await events.record(
      tenant.id,
      { type, description: err.description, clientId: client.client_id, clientName: client.name, userId: user?.id ?? null, userName: user?.name ?? null },
      context,
    );
    throw err;
  }

  /** Auth0's text without its second sentence ("We've sent you an email…"): Guardline sends no notification. */
  const tooManyAttempts = () => new OAuthError('too_many_attempts', 'Your account has been blocked after multiple consecutive login attempts.');

  const allowsGrant = (client: ClientRow, grantType: string) => clients.grantTypesOf(client).includes(grantType);
  const grantNotAllowed = (grantType: string) => new OAuthError('unauthorized_client', `Grant type '${grantType}' not allowed for the client.`);

  /**
   * Which API a user token is for. Without `audience` (or with the userinfo audience) the token is for
   * `/userinfo`; `{issuer}mfa/` is Auth0's MFA API; the Management API is never issued to users.
   */
  function checkUserAudience(tenant: Tenant, audience: string | undefined): OAuthError | undefined {
    if (audience === undefined || audience === '' || audience === userinfoAudience(tenant) || audience === mfaAudience(tenant)) return undefined;
    if (tenant.managementAudiences.includes(audience)) return new OAuthError('access_denied', 'The Management API cannot be requested on behalf of a user');
    return new OAuthError('access_denied', `Service not found: ${audience}`);
  }

  /**
   * Checks a username and password and writes the failure events Auth0 writes: `fu` (no such user), `fp` (wrong
   * password), `f` (blocked user), `limit_wc` (brute-force block). Brute-force protection comes first: a blocked
   * identifier is refused before its password is checked, so even the right password learns nothing (no
   * `mfa_required`). Success writes nothing: the caller records the exchange that follows.
   */
  async function checkCredentials(
    tenant: Tenant,
    client: ClientRow,
    username: string,
    password: string,
    context: RequestContext,
  ): Promise<{ ok: true; user: UserWithConnection } | { ok: false; reason: 'wrong_credentials' | 'blocked' | 'too_many_attempts' }> {
    const base = { clientId: client.client_id, clientName: client.name, userName: username };
    try {
      return await checkCounted(tenant, username, password, context, base);
    } catch (err) {
      // The failure counter is a limit like any other: without it no login passes, and the refusal names the cause.
      if (err instanceof DependencyUnavailableError) return recordOutage(events, tenant.id, err, { type: 'f', ...base }, context);
      throw err;
    }
  }

  async function checkCounted(
    tenant: Tenant,
    username: string,
    password: string,
    context: RequestContext,
    base: { clientId: string; clientName: string; userName: string },
  ): Promise<{ ok: true; user: UserWithConnection } | { ok: false; reason: 'wrong_credentials' | 'blocked' | 'too_many_attempts' }> {
    const attempt = await bruteForce.begin(tenant, username, context, base);
    if (attempt.blocked) return { ok: false, reason: 'too_many_attempts' };
    const result = await users.verifyPassword(tenant, username, password);
    if (result.outcome !== 'ok') {
      const type = result.outcome === 'wrong_password' ? 'fp' : 'fu';
      await events.record(tenant.id, { type, description: 'Wrong email or password.', ...base }, context);
      // Unknown users are counted like wrong passwords: the count must not tell which identifiers exist.
      const counted = await attempt.failed();
      return { ok: false, reason: counted.blocked ? 'too_many_attempts' : 'wrong_credentials' };
    }
    await attempt.succeeded();
    if (result.user.blocked === 1) {
      await events.record(tenant.id, { type: 'f', description: 'user is blocked', ...base, userId: result.user.user_id }, context);
      return { ok: false, reason: 'blocked' };
    }
    return { ok: true, user: result.user };
  }

  function redirectWith(redirectUri: string, params: Record<string, string | undefined>): string {
    const url = new URL(redirectUri);
    for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, value);
    return url.toString();
  }

  return {
    /**
     * `client_credentials` with Auth0's `audience`: a JWT for the Management API carrying the scopes of the
     * client grant (all of them, or the requested subset).
     */
    async clientCredentialsGrant(
      tenant: Tenant,
      client: ClientRow,
      input: { audience?: string; scope?: string },
      context: RequestContext,
    ): Promise<TokenSet> {
      const fail = (err: OAuthError) => refuse(tenant, 'feccft', client, err, context);
      if (client.token_endpoint_auth_method === 'none') {
        return fail(new OAuthError('unauthorized_client', 'A public client cannot use the client_credentials grant.'));
      }
      if (!allowsGrant(client, GRANT_TYPES.clientCredentials)) return fail(grantNotAllowed(GRANT_TYPES.clientCredentials));
      const { audience } = input;
      if (!audience) return fail(new OAuthError('access_denied', 'No audience parameter was provided, and no default audience has been configured'));
      if (!tenant.managementAudiences.includes(audience)) return fail(new OAuthError('access_denied', `Service not found: ${audience}`));
      const granted = await clientGrants.grantedScopes(tenant, client.client_id, audience);
      if (!granted) {
        return fail(new OAuthError('access_denied', `Client is not authorized to access "${audience}". You need to create a "client-grant" associated to this API.`));
      }
      const requested = parseScopeParam(input.scope);
      const notGranted = requested.filter((s) => !granted.includes(s));
      if (notGranted.length > 0) return fail(new OAuthError('access_denied', `Client has not been granted scopes: ${notGranted.join(', ')}`));
      const scopes = requested.length > 0 ? requested : granted;

      const access = await tokens.accessToken(tenant, { sub: `${client.client_id}@clients`, audience, scope: scopes, azp: client.client_id, grantType: 'client-credentials' });
      await events.record(tenant.id, { type: 'seccft', clientId: client.client_id, clientName: client.name, details: { audience, scope: scopes.join(' ') } }, context);
      return { access_token: access.token, token_type: 'Bearer', expires_in: access.expiresIn, scope: scopes.join(' ') };
    },

    /**
     * Auth0's Resource Owner Password grant. Order: audience and scope (no password is checked for a request
     * that cannot succeed), then the password, then the user's state, then tokens.
     */
    async passwordGrant(
      tenant: Tenant,
      client: ClientRow,
      input: { username?: string; password?: string; audience?: string; scope?: string },
      context: RequestContext,
    ): Promise<TokenSet> {
      const fail = (err: OAuthError, user?: { id?: string; name: string }) => refuse(tenant, 'fepft', client, err, context, user);
      if (!allowsGrant(client, GRANT_TYPES.password)) return fail(grantNotAllowed(GRANT_TYPES.password));
      if (!input.username) return fail(new OAuthError('invalid_request', 'Missing required parameter: username', { statusCode: 400 }));
      if (!input.password) return fail(new OAuthError('invalid_request', 'Missing required parameter: password', { statusCode: 400 }));
      const audienceError = checkUserAudience(tenant, input.audience);
      if (audienceError) return fail(audienceError);

      const check = await checkCredentials(tenant, client, input.username, input.password, context);
      if (!check.ok && check.reason === 'wrong_credentials') {
        return fail(new OAuthError('invalid_grant', 'Wrong email or password.'), { name: input.username });
      }
      if (!check.ok && check.reason === 'too_many_attempts') return fail(tooManyAttempts(), { name: input.username });
      if (!check.ok) return fail(new OAuthError('unauthorized', 'user is blocked', { statusCode: 401 }), { name: input.username });
      const user = check.user;

      const audience = input.audience || null;
      const scopes = userTokens.grantScopes(tenant, client, parseScopeParam(input.scope), audience);
      // The password is proven and no token exists yet: a due second factor is demanded here. The MFA
      // transaction remembers what was asked for, and the MFA grants issue it once the second factor is proven.
      if (await secondFactor.isRequired(tenant, user.user_id)) {
        const mfaToken = await secondFactor.start(tenant, client, user, { scope: scopes, audience }, context);
        throw new OAuthError('mfa_required', 'Multifactor authentication required', { extra: { mfa_token: mfaToken } });
      }
      const issued = await userTokens.issue(tenant, client, user, { scopes, audience, grantType: 'password' });
      await users.recordLogin(tenant, user, context.ip);
      await events.record(
        tenant.id,
        { type: 'sepft', clientId: client.client_id, clientName: client.name, userId: user.user_id, userName: userName(user), connection: user.connection_name, details: { scope: scopes.join(' ') } },
        context,
      );
      return issued;
    },

    /** Validates `GET /authorize` in the order that decides whether the redirect_uri may be trusted. */
    async authorize(tenant: Tenant, query: AuthorizeQuery, locale: Locale): Promise<AuthorizeOutcome> {
      if (!query.client_id) return { kind: 'page_error', reason: 'missing_client_id' };
      const client = await clients.find(tenant, query.client_id);
      if (!client) return { kind: 'page_error', reason: 'unknown_client' };
      if (!query.redirect_uri) return { kind: 'page_error', reason: 'missing_redirect_uri' };
      if (!clients.callbacksOf(client).includes(query.redirect_uri)) return { kind: 'page_error', reason: 'redirect_uri_mismatch' };

      const redirectUri = query.redirect_uri;
      const error = (code: OAuthErrorCode, description: string): AuthorizeOutcome => ({
        kind: 'redirect_error',
        location: redirectWith(redirectUri, { error: code, error_description: description, state: query.state }),
      });
      if (!query.response_type) return error('invalid_request', 'Missing required parameter: response_type');
      if (query.response_type !== 'code') return error('unsupported_response_type', `Unsupported response type: ${query.response_type}`);
      if (!allowsGrant(client, GRANT_TYPES.authorizationCode)) return error('unauthorized_client', grantNotAllowed(GRANT_TYPES.authorizationCode).description);

      const method = query.code_challenge_method;
      const challenge = query.code_challenge;
      if (method !== undefined && method !== 'S256') return error('invalid_request', `Unsupported code_challenge_method: ${method}. Use S256.`);
      if (challenge === undefined && method !== undefined) return error('invalid_request', 'Missing required parameter: code_challenge');
      if (challenge !== undefined && method === undefined) return error('invalid_request', 'Missing required parameter: code_challenge_method (must be S256)');
      if (challenge !== undefined && !/^[A-Za-z0-9_-]{43}$/.test(challenge)) return error('invalid_request', 'code_challenge must be a base64url-encoded SHA-256 hash (43 characters)');
      if (challenge === undefined && client.client_secret_hash === null) return error('invalid_request', 'PKCE is required for public clients: send code_challenge with code_challenge_method=S256');

      const audienceError = checkUserAudience(tenant, query.audience);
      if (audienceError) return error(audienceError.error, audienceError.description);

      const request: AuthorizationRequest = {
        clientId: client.client_id,
        redirectUri,
        scope: userTokens.grantScopes(tenant, client, parseScopeParam(query.scope), query.audience),
        locale,
        ...(query.state !== undefined ? { state: query.state } : {}),
        ...(query.nonce !== undefined ? { nonce: query.nonce } : {}),
        ...(query.audience ? { audience: query.audience } : {}),
        ...(challenge !== undefined ? { codeChallenge: challenge } : {}),
      };
      return { kind: 'login', request, client };
    },

    /**
     * Seals an authorization request into the login transaction the form carries: an HS256 JWT (key derived from
     * the instance secret) bound to the tenant and to a browser cookie, whose value is returned as `binding`.
     */
    async sealTransaction(tenant: Tenant, request: AuthorizationRequest): Promise<{ transaction: string; binding: string }> {
      const binding = newId.opaqueToken(random);
      const iat = Math.floor(clock.now().getTime() / 1000);
      const transaction = await new SignJWT({ req: request, bnd: hashToken(binding) })
        .setProtectedHeader({ alg: 'HS256', typ: 'guardline-login+jwt' })
        .setIssuer(tenant.issuer)
        .setAudience(tenant.id)
        .setIssuedAt(iat)
        .setExpirationTime(iat + LOGIN_TRANSACTION_SECONDS)
        .sign(transactionKey);
      return { transaction, binding };
    },

    /** The authorization request of a transaction, or undefined when it is forged, expired, foreign or unbound. */
    async openTransaction(tenant: Tenant, transaction: string, binding: string | undefined): Promise<AuthorizationRequest | undefined> {
      if (!binding) return undefined;
      try {
        const { payload } = await jwtVerify(transaction, transactionKey, {
          issuer: tenant.issuer,
          audience: tenant.id,
          algorithms: ['HS256'],
          typ: 'guardline-login+jwt',
          requiredClaims: ['exp'],
          currentDate: clock.now(),
        });
        if (issuedInFuture(payload, clock.now())) return undefined;
        if (payload.bnd !== hashToken(binding)) return undefined;
        return payload.req as AuthorizationRequest;
      } catch {
        return undefined;
      }
    },

    /**
     * The login form's submission: on success stores a single-use authorization code (hashed, 60 s) and returns
     * the redirect to the client with `code` and `state`.
     */
    async loginWithPassword(tenant: Tenant, request: AuthorizationRequest, username: string, password: string, context: RequestContext): Promise<LoginOutcome> {
      const client = await clients.find(tenant, request.clientId);
      if (!client) return { kind: 'wrong_credentials' };
      const check = await checkCredentials(tenant, client, username, password, context);
      if (!check.ok) return { kind: check.reason };
      const user = check.user;

      // The password is proven: a second factor, when due, must come before a code exists. The page cannot ask for
      // one yet, so the login stops here rather than skipping the second factor.
      if (await secondFactor.isRequired(tenant, user.user_id)) {
        await events.record(
          tenant.id,
          { type: 'f', description: 'Multifactor authentication required: not available on this login page', clientId: client.client_id, clientName: client.name, userId: user.user_id, userName: userName(user), connection: user.connection_name },
          context,
        );
        return { kind: 'mfa_unavailable' };
      }

      const code = newId.opaqueToken(random);
      const now = clock.now();
      await store.authorizationCodes.insert({
        code_hash: hashToken(code),
        tenant_id: tenant.id,
        client_id: client.client_id,
        user_id: user.user_id,
        redirect_uri: request.redirectUri,
        code_challenge: request.codeChallenge ?? '',
        code_challenge_method: request.codeChallenge ? 'S256' : '',
        scope: request.scope.join(' '),
        audience: request.audience ?? null,
        nonce: request.nonce ?? null,
        expires_at: new Date(now.getTime() + TOKEN_LIFETIMES.authorizationCode * 1000).toISOString(),
        consumed_at: null,
        created_at: now.toISOString(),
      });
      await users.recordLogin(tenant, user, context.ip);
      await events.record(
        tenant.id,
        { type: 's', clientId: client.client_id, clientName: client.name, userId: user.user_id, userName: userName(user), connection: user.connection_name },
        context,
      );
      return { kind: 'redirect', location: redirectWith(request.redirectUri, { code, state: request.state }) };
    },

    /** `authorization_code` grant: single use, 60 s, same client and redirect_uri, S256 verifier when a challenge was sent. */
    async exchangeCode(
      tenant: Tenant,
      client: ClientRow,
      input: { code?: string; redirect_uri?: string; code_verifier?: string },
      context: RequestContext,
    ): Promise<TokenSet> {
      const fail = (err: OAuthError, user?: { id?: string; name: string }) => refuse(tenant, 'feacft', client, err, context, user);
      if (!allowsGrant(client, GRANT_TYPES.authorizationCode)) return fail(grantNotAllowed(GRANT_TYPES.authorizationCode));
      if (!input.code) return fail(new OAuthError('invalid_request', 'Missing required parameter: code', { statusCode: 400 }));
      const invalidCode = new OAuthError('invalid_grant', 'Invalid authorization code');
      const row = await store.authorizationCodes.consume(tenant.id, hashToken(input.code), nowIso());
      if (!row || row.client_id !== client.client_id || new Date(row.expires_at) <= clock.now()) return fail(invalidCode);
      if (input.redirect_uri !== row.redirect_uri) {
        return fail(new OAuthError('invalid_grant', 'redirect_uri does not match the one of the authorization request'));
      }
      if (row.code_challenge !== '') {
        if (!input.code_verifier) return fail(new OAuthError('invalid_request', 'Missing required parameter: code_verifier', { statusCode: 400 }));
        if (!verifyPkce(row.code_challenge, input.code_verifier)) return fail(new OAuthError('invalid_grant', 'Failed to verify code verifier'));
      } else if (input.code_verifier !== undefined) {
        return fail(new OAuthError('invalid_grant', 'Failed to verify code verifier'));
      }
      const user = await users.find(tenant, row.user_id);
      if (!user) return fail(invalidCode);
      if (user.blocked === 1) return fail(new OAuthError('unauthorized', 'user is blocked', { statusCode: 401 }), { id: user.user_id, name: userName(user) });

      const scopes = row.scope.split(' ').filter(Boolean);
      const issued = await userTokens.issue(tenant, client, user, { scopes, audience: row.audience, nonce: row.nonce ?? undefined });
      await events.record(
        tenant.id,
        { type: 'seacft', clientId: client.client_id, clientName: client.name, userId: user.user_id, userName: userName(user), connection: user.connection_name, details: { scope: scopes.join(' ') } },
        context,
      );
      return issued;
    },

    /** `refresh_token` grant: non-rotating; the token stays valid until revoked. `scope` may narrow, never widen. */
    async refresh(tenant: Tenant, client: ClientRow, input: { refresh_token?: string; scope?: string }, context: RequestContext): Promise<TokenSet> {
      const fail = (err: OAuthError, user?: { id?: string; name: string }) => refuse(tenant, 'fertft', client, err, context, user);
      if (!allowsGrant(client, GRANT_TYPES.refreshToken)) return fail(grantNotAllowed(GRANT_TYPES.refreshToken));
      if (!input.refresh_token) return fail(new OAuthError('invalid_request', 'Missing required parameter: refresh_token', { statusCode: 400 }));
      const invalid = new OAuthError('invalid_grant', 'Unknown or invalid refresh token.');
      const row = await store.refreshTokens.findActive(tenant.id, hashToken(input.refresh_token));
      if (!row || row.client_id !== client.client_id) return fail(invalid);
      const user = await users.find(tenant, row.user_id);
      if (!user) return fail(invalid);
      if (user.blocked === 1) return fail(new OAuthError('unauthorized', 'user is blocked', { statusCode: 401 }), { id: user.user_id, name: userName(user) });

      const original = row.scope.split(' ').filter(Boolean);
      const requested = parseScopeParam(input.scope);
      const wider = requested.filter((s) => !original.includes(s));
      if (wider.length > 0) return fail(new OAuthError('invalid_scope', `The refresh token was not granted the scope(s): ${wider.join(', ')}`));
      const scopes = requested.length > 0 ? requested : original;
      const issued = await userTokens.issue(tenant, client, user, { scopes, audience: row.audience, refreshToken: false });
      await events.record(
        tenant.id,
        { type: 'sertft', clientId: client.client_id, clientName: client.name, userId: user.user_id, userName: userName(user), connection: user.connection_name },
        context,
      );
      return issued;
    },

    /**
     * `/userinfo`: the claims of the token's user for the token's scopes. Throws `TokenVerificationError` for a
     * token that does not verify on this tenant; returns undefined when its user no longer exists.
     */
    async userinfo(tenant: Tenant, accessToken: string): Promise<({ sub: string } & Record<string, unknown>) | undefined> {
      const verified = await tokens.verify(tenant, accessToken, [userinfoAudience(tenant)]);
      const sub = verified.payload.sub;
      const user = sub ? await users.find(tenant, sub) : undefined;
      if (!user) return undefined;
      return { sub: user.user_id, ...profileClaims(user, verified.scopes) };
    },
  };
}

export type Authorization = ReturnType<typeof createAuthorization>;
