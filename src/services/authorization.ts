import { createHash, timingSafeEqual } from 'node:crypto';
import { hashToken } from '../crypto/secret-box.js';
import { GRANT_TYPES } from '../domain/grant-types.js';
import { newId } from '../domain/ids.js';
import type { LogType } from '../domain/log-types.js';
import { parseScopeParam } from '../domain/scopes.js';
import { originAllowed } from '../domain/web-origins.js';
import { refreshTokenExpiry } from '../domain/refresh-token-policy.js';
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
import { TOKEN_LIFETIMES, type Tokens } from './tokens.js';
import { mfaAudience, profileClaims, userinfoAudience, type TokenSet, type UserTokens } from './user-tokens.js';
import type { Users } from './users.js';

/**
 * User logins and the tokens they lead to: the password grant (Auth0's ROPG), the authorization code flow
 * with PKCE (validation of `/authorize`, the login transaction, code issue and exchange), refresh tokens and
 * `/userinfo`. Every outcome writes its Auth0 log event. Failures the caller may see are `OAuthError`s.
 */

/** A login form (its sealed state, services/login-state.ts) lives this long before the password is typed. */
export const LOGIN_TRANSACTION_SECONDS = 15 * 60;

/** Auth0's default session lifetimes: 3 days without use, 7 days at most (tenant `idle_session_lifetime`, `session_lifetime`). */
export const LOGIN_SESSION_IDLE_SECONDS = 72 * 3600;
export const LOGIN_SESSION_SECONDS = 168 * 3600;

/** How the authorization response reaches the client: `query` (302), `form_post` (an auto-posting form), `web_message` (postMessage from an iframe or popup). */
export const RESPONSE_MODES = ['query', 'form_post', 'web_message'] as const;
export type ResponseMode = (typeof RESPONSE_MODES)[number];

/** What the browser carries back to the client's redirect_uri (a code and state, or an error), and how. */
export interface AuthorizationResponse {
  mode: ResponseMode;
  redirectUri: string;
  params: Record<string, string>;
}

/**
 * A completed login, for the page surface to turn into a 302, a form_post page or a web_message page, and the
 * login session cookie to set with it (`token` is the cookie value; only its hash is stored).
 */
export interface LoginCompletion {
  response: AuthorizationResponse;
  session: { token: string; maxAgeSeconds: number };
}

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
  /** Absent in transactions sealed before response modes existed: `query`. */
  responseMode?: ResponseMode;
  /** `none`: answer from the login session or with `login_required`; `login`: show the form even with a session. */
  prompt?: 'none' | 'login';
  /** Seconds: a login session older than this is not reused. */
  maxAge?: number;
}

/** `auth0Client` (the SDKs' base64 JSON telemetry) is accepted and ignored, like any unknown parameter. */
export type AuthorizeQuery = Partial<Record<
  | 'response_type' | 'client_id' | 'redirect_uri' | 'scope' | 'state' | 'nonce' | 'audience' | 'code_challenge' | 'code_challenge_method'
  | 'response_mode' | 'prompt' | 'max_age' | 'auth0Client',
  string
>>;

/**
 * The three outcomes of validating `/authorize`: a page error (nothing trustworthy to redirect to), a
 * redirect error (the redirect_uri is registered, so the client gets `error` on it), or a request to log in.
 */
export type AuthorizeOutcome =
  | { kind: 'page_error'; reason: 'missing_client_id' | 'unknown_client' | 'missing_redirect_uri' | 'redirect_uri_mismatch' | 'web_origin_not_allowed' }
  | { kind: 'redirect_error'; response: AuthorizationResponse }
  | { kind: 'login'; request: AuthorizationRequest; client: ClientRow }
  /** The browser's login session answered the request (single sign-on, `prompt=none`): no form. */
  | { kind: 'complete'; completion: LoginCompletion };

/** The URL a `query` response redirects to: `params` added to the redirect_uri's own query. */
export function redirectWith(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, value);
  return url.toString();
}

export type LoginOutcome =
  | { kind: 'complete'; completion: LoginCompletion }
  | { kind: 'wrong_credentials' | 'blocked' }
  /** Brute-force protection: the identifier is blocked after too many failed attempts (Auth0's `too_many_attempts`). */
  | { kind: 'too_many_attempts' }
  /** The password is right and a second factor is due: the pages ask for it (services/login-mfa). */
  | { kind: 'second_factor'; client: ClientRow; user: UserWithConnection };

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
  { store, clock, random }: ServiceDeps,
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

  const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
  const later = (from: Date, s: number) => new Date(from.getTime() + s * 1000).toISOString();

  /** Stores a single-use authorization code (hashed, 60 s) for `request` and returns the response that carries it. */
  async function issueCode(
    tenant: Tenant,
    request: AuthorizationRequest,
    user: UserWithConnection,
    authentication: { amr: string[]; authTime: number },
  ): Promise<AuthorizationResponse> {
    const code = newId.opaqueToken(random);
    const now = clock.now();
    await store.authorizationCodes.insert({
      code_hash: hashToken(code),
      tenant_id: tenant.id,
      client_id: request.clientId,
      user_id: user.user_id,
      redirect_uri: request.redirectUri,
      code_challenge: request.codeChallenge ?? '',
      code_challenge_method: request.codeChallenge ? 'S256' : '',
      scope: request.scope.join(' '),
      audience: request.audience ?? null,
      nonce: request.nonce ?? null,
      expires_at: later(now, TOKEN_LIFETIMES.authorizationCode),
      consumed_at: null,
      created_at: now.toISOString(),
      amr: authentication.amr.join(' '),
      auth_time: authentication.authTime,
    });
    const params: Record<string, string> = { code };
    if (request.state !== undefined) params.state = request.state;
    return { mode: request.responseMode ?? 'query', redirectUri: request.redirectUri, params };
  }

  /**
   * Completes a login whose factors are all proven: stores the authorization code (with `amr`, carried into the
   * tokens' `amr` claim when non-empty, and `auth_time`), records `s` and the user's last login, and starts the
   * browser's login session (replacing `options.previousSession`, the cookie it had, if any). The page surface
   * sets `completion.session` as the session cookie and sends `completion.response` in its response mode.
   * Universal Login's MFA pages call it with `{ amr: ['mfa'] }` once the second factor is proven.
   */
  async function completeLogin(
    tenant: Tenant,
    request: AuthorizationRequest,
    user: UserWithConnection,
    authentication: { amr: string[] },
    context: RequestContext,
    options: { previousSession?: string } = {},
  ): Promise<LoginCompletion> {
    const client = await clients.find(tenant, request.clientId);
    const now = clock.now();
    const response = await issueCode(tenant, request, user, { amr: authentication.amr, authTime: seconds(now) });
    await users.recordLogin(tenant, user, context.ip);
    await events.record(
      tenant.id,
      { type: 's', clientId: request.clientId, clientName: client?.name ?? '', userId: user.user_id, userName: userName(user), connection: user.connection_name },
      context,
    );
    if (options.previousSession) await store.loginSessions.delete(tenant.id, hashToken(options.previousSession));
    const token = newId.opaqueToken(random);
    await store.loginSessions.insert({
      session_hash: hashToken(token),
      tenant_id: tenant.id,
      user_id: user.user_id,
      amr: JSON.stringify(authentication.amr),
      authenticated_at: now.toISOString(),
      idle_expires_at: later(now, LOGIN_SESSION_IDLE_SECONDS),
      expires_at: later(now, LOGIN_SESSION_SECONDS),
      created_at: now.toISOString(),
    });
    return { response, session: { token, maxAgeSeconds: LOGIN_SESSION_SECONDS } };
  }

  /**
   * Answers `request` from the browser's login session when it may: the session is live, younger than `max_age`,
   * its user exists and is not blocked, and it proved a second factor if one is now due. Refreshes its idle expiry.
   */
  async function resumeSession(tenant: Tenant, client: ClientRow, request: AuthorizationRequest, cookie: string | undefined, context: RequestContext): Promise<LoginCompletion | undefined> {
    if (!cookie) return undefined;
    const now = clock.now();
    const hash = hashToken(cookie);
    const session = await store.loginSessions.findLive(tenant.id, hash, now.toISOString());
    if (!session) return undefined;
    const authenticatedAt = new Date(session.authenticated_at);
    if (request.maxAge !== undefined && now.getTime() - authenticatedAt.getTime() > request.maxAge * 1000) return undefined;
    const user = await users.find(tenant, session.user_id);
    if (!user || user.blocked === 1) return undefined;
    const amr = JSON.parse(session.amr) as string[];
    if (!amr.includes('mfa') && (await secondFactor.isRequired(tenant, user.user_id))) return undefined;

    const response = await issueCode(tenant, request, user, { amr, authTime: seconds(authenticatedAt) });
    const expiresAt = new Date(session.expires_at);
    await store.loginSessions.touch(tenant.id, hash, new Date(Math.min(now.getTime() + LOGIN_SESSION_IDLE_SECONDS * 1000, expiresAt.getTime())).toISOString());
    await events.record(
      tenant.id,
      { type: request.prompt === 'none' ? 'ssa' : 's', clientId: client.client_id, clientName: client.name, userId: user.user_id, userName: userName(user), connection: user.connection_name },
      context,
    );
    return { response, session: { token: cookie, maxAgeSeconds: Math.max(0, Math.floor((expiresAt.getTime() - now.getTime()) / 1000)) } };
  }

  return {
    completeLogin,

    /** `/v2/logout`: ends the browser's login session (a missing or unknown cookie is already logged out). */
    async logout(tenant: Tenant, cookie: string | undefined, client: ClientRow | undefined, context: RequestContext): Promise<void> {
      const session = cookie ? await store.loginSessions.findLive(tenant.id, hashToken(cookie), nowIso()) : undefined;
      if (cookie) await store.loginSessions.delete(tenant.id, hashToken(cookie));
      const user = session ? await users.find(tenant, session.user_id) : undefined;
      await events.record(
        tenant.id,
        {
          type: 'slo',
          description: 'User successfully logged out',
          clientId: client?.client_id ?? null,
          clientName: client?.name ?? null,
          userId: user?.user_id ?? null,
          userName: user ? userName(user) : null,
        },
        context,
      );
    },

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

    /**
     * Validates `GET /authorize` in the order that decides whether the redirect_uri may be trusted, then answers
     * from the browser's login session (`sessionCookie`) unless `prompt=login` asks for the form: single sign-on,
     * and `prompt=none` (the SPA SDK's silent authentication), which gets `login_required` without a session.
     */
    async authorize(tenant: Tenant, query: AuthorizeQuery, locale: Locale, browser: { sessionCookie?: string; context?: RequestContext } = {}): Promise<AuthorizeOutcome> {
      if (!query.client_id) return { kind: 'page_error', reason: 'missing_client_id' };
      const client = await clients.find(tenant, query.client_id);
      if (!client) return { kind: 'page_error', reason: 'unknown_client' };
      if (!query.redirect_uri) return { kind: 'page_error', reason: 'missing_redirect_uri' };
      if (!clients.callbacksOf(client).includes(query.redirect_uri)) return { kind: 'page_error', reason: 'redirect_uri_mismatch' };

      const redirectUri = query.redirect_uri;
      const known = (RESPONSE_MODES as readonly string[]).includes(query.response_mode ?? 'query');
      const mode: ResponseMode = known ? ((query.response_mode as ResponseMode | undefined) ?? 'query') : 'query';
      // web_message posts the response to the redirect_uri's origin: only to an origin the client lists.
      if (mode === 'web_message' && !originAllowed(new URL(redirectUri).origin, clients.webOriginsOf(client))) {
        return { kind: 'page_error', reason: 'web_origin_not_allowed' };
      }
      const error = (code: OAuthErrorCode | 'login_required', description: string): AuthorizeOutcome => ({
        kind: 'redirect_error',
        response: {
          mode,
          redirectUri,
          params: { error: code, error_description: description, ...(query.state !== undefined ? { state: query.state } : {}) },
        },
      });
      if (!known) return error('invalid_request', `Unsupported response_mode: ${query.response_mode}`);
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

      // OIDC prompt values; `consent` and `select_account` need no screen for first-party applications.
      const prompts = (query.prompt ?? '').split(' ').filter(Boolean);
      if (prompts.some((p) => !['none', 'login', 'consent', 'select_account'].includes(p))) return error('invalid_request', `Unsupported prompt: ${query.prompt}`);
      if (prompts.includes('none') && prompts.length > 1) return error('invalid_request', 'prompt=none cannot be combined with other prompt values');
      const prompt = prompts.includes('none') ? 'none' : prompts.includes('login') ? 'login' : undefined;
      if (query.max_age !== undefined && !/^\d{1,9}$/.test(query.max_age)) return error('invalid_request', 'max_age must be a non-negative integer');

      const audienceError = checkUserAudience(tenant, query.audience);
      if (audienceError) return error(audienceError.error, audienceError.description);

      const request: AuthorizationRequest = {
        clientId: client.client_id,
        redirectUri,
        scope: userTokens.grantScopes(tenant, client, parseScopeParam(query.scope), query.audience),
        locale,
        responseMode: mode,
        ...(query.state !== undefined ? { state: query.state } : {}),
        ...(query.nonce !== undefined ? { nonce: query.nonce } : {}),
        ...(query.audience ? { audience: query.audience } : {}),
        ...(challenge !== undefined ? { codeChallenge: challenge } : {}),
        ...(prompt ? { prompt } : {}),
        ...(query.max_age !== undefined ? { maxAge: Number(query.max_age) } : {}),
      };
      const context = browser.context ?? {};
      if (prompt !== 'login') {
        const completion = await resumeSession(tenant, client, request, browser.sessionCookie, context);
        if (completion) return { kind: 'complete', completion };
      }
      if (prompt === 'none') {
        await events.record(tenant.id, { type: 'fsa', description: 'Login required', clientId: client.client_id, clientName: client.name }, context);
        return error('login_required', 'Login required');
      }
      return { kind: 'login', request, client };
    },

    /**
     * The login form's submission: on success completes the login (`completeLogin`: code, `s`, login session) with
     * no `amr` (a password alone is Auth0's default, which sends no `amr` claim).
     */
    async loginWithPassword(tenant: Tenant, request: AuthorizationRequest, username: string, password: string, context: RequestContext): Promise<LoginOutcome> {
      const client = await clients.find(tenant, request.clientId);
      if (!client) return { kind: 'wrong_credentials' };
      const check = await checkCredentials(tenant, client, username, password, context);
      if (!check.ok) return { kind: check.reason };
      const user = check.user;

      // The password is proven: a second factor, when due, must come before a code exists (the login pages ask for
      // it: src/http/login/mfa).
      if (await secondFactor.isRequired(tenant, user.user_id)) return { kind: 'second_factor', client, user };

      return { kind: 'complete', completion: await completeLogin(tenant, request, user, { amr: [] }, context) };
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
      const amr = row.amr.split(' ').filter(Boolean);
      const issued = await userTokens.issue(tenant, client, user, {
        scopes,
        audience: row.audience,
        nonce: row.nonce ?? undefined,
        ...(amr.length > 0 ? { amr } : {}),
        ...(row.auth_time !== null ? { authTime: row.auth_time } : {}),
      });
      await events.record(
        tenant.id,
        { type: 'seacft', clientId: client.client_id, clientName: client.name, userId: user.user_id, userName: userName(user), connection: user.connection_name, details: { scope: scopes.join(' ') } },
        context,
      );
      return issued;
    },

    /**
     * `refresh_token` grant. `scope` may narrow, never widen. A non-rotating token stays valid until revoked or
     * expired (its idle expiry slides on use). A rotating token (client `refresh_token.rotation_type`) is used up:
     * the response carries its successor in the same family, and a second use of it after the leeway is Auth0's
     * reuse detection — the whole family is revoked (`ferrt`), so a stolen copy and the original both stop working.
     */
    async refresh(tenant: Tenant, client: ClientRow, input: { refresh_token?: string; scope?: string }, context: RequestContext): Promise<TokenSet> {
      const fail = (err: OAuthError, user?: { id?: string; name: string }) => refuse(tenant, 'fertft', client, err, context, user);
      if (!allowsGrant(client, GRANT_TYPES.refreshToken)) return fail(grantNotAllowed(GRANT_TYPES.refreshToken));
      if (!input.refresh_token) return fail(new OAuthError('invalid_request', 'Missing required parameter: refresh_token', { statusCode: 400 }));
      const invalid = new OAuthError('invalid_grant', 'Unknown or invalid refresh token.');
      const tokenHash = hashToken(input.refresh_token);
      const row = await store.refreshTokens.findActive(tenant.id, tokenHash);
      if (!row || row.client_id !== client.client_id) return fail(invalid);
      const now = clock.now();
      const at = now.toISOString();
      if ((row.expires_at !== null && row.expires_at <= at) || (row.idle_expires_at !== null && row.idle_expires_at <= at)) return fail(invalid);
      const user = await users.find(tenant, row.user_id);
      if (!user) return fail(invalid);
      if (user.blocked === 1) return fail(new OAuthError('unauthorized', 'user is blocked', { statusCode: 401 }), { id: user.user_id, name: userName(user) });

      const original = row.scope.split(' ').filter(Boolean);
      const requested = parseScopeParam(input.scope);
      const wider = requested.filter((s) => !original.includes(s));
      if (wider.length > 0) return fail(new OAuthError('invalid_scope', `The refresh token was not granted the scope(s): ${wider.join(', ')}`));
      const scopes = requested.length > 0 ? requested : original;
      const success = () =>
        events.record(
          tenant.id,
          { type: 'sertft', clientId: client.client_id, clientName: client.name, userId: user.user_id, userName: userName(user), connection: user.connection_name },
          context,
        );

      if (row.family_id === null) {
        const policy = clients.refreshTokenPolicyOf(client);
        const { idleExpiresAt } = refreshTokenExpiry(policy, now);
        if (row.idle_expires_at !== null && idleExpiresAt !== null) await store.refreshTokens.touch(tenant.id, tokenHash, idleExpiresAt);
        const issued = await userTokens.issue(tenant, client, user, { scopes, audience: row.audience, refreshToken: false });
        await success();
        return issued;
      }

      const familyId = row.family_id;
      const prepared = await userTokens.prepare(tenant, client, user, { scopes, audience: row.audience, refreshToken: { familyId, expiresAt: row.expires_at, scope: row.scope } });
      // Used up and replaced in one transaction: a failure leaves the old token usable, never neither.
      const rotated = await store.transaction(async (tx) => {
        if (!(await tx.refreshTokens.markRotated(tenant.id, tokenHash, at))) return false;
        await prepared.persist(tx);
        return true;
      });
      if (!rotated) {
        const current = await store.refreshTokens.findActive(tenant.id, tokenHash);
        const leewayMs = clients.refreshTokenPolicyOf(client).leeway * 1000;
        const withinLeeway = current?.rotated_at != null && now.getTime() - new Date(current.rotated_at).getTime() < leewayMs;
        if (!withinLeeway) {
          await store.refreshTokens.revokeFamily(tenant.id, familyId, at);
          return refuse(tenant, 'ferrt', client, invalid, context, { id: user.user_id, name: userName(user) });
        }
        // Within the leeway (two tabs refreshing at once, a retried request): another successor, same family.
        await prepared.persist(store);
      }
      await success();
      return prepared.tokens;
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
