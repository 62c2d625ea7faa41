import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import {
  CALLBACK,
  PASSWORD,
  authorizeRequest,
  basic,
  cookieOf,
  createClient,
  createUser,
  logsOf,
  obtainCode,
  pkcePair,
  submitLogin,
  tokenRequest,
  loginStateOf,
  verifyWithJwks,
} from './helpers.js';

describe.each(DIALECTS)('authorization code with PKCE (%s)', (dialect) => {
  const clock = new ManualClock(new Date());
  const ctx = useTestContext(dialect, { clock });

  const spa = () => createClient(ctx(), { app_type: 'spa', grant_types: ['authorization_code', 'refresh_token'] });

  describe('GET /authorize', () => {
    it('shows an HTML error page, not a redirect, for an unknown client', async () => {
      const response = await authorizeRequest(ctx(), { response_type: 'code', client_id: 'nope', redirect_uri: CALLBACK });
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toContain('text/html');
      expect(response.headers.location).toBeUndefined();
      expect(response.body).toContain('The application is unknown (client_id &quot;nope&quot;).');
    });

    it('shows an error page for a redirect_uri that is not a registered callback', async () => {
      const client = await spa();
      const response = await authorizeRequest(ctx(), { response_type: 'code', client_id: client.client_id, redirect_uri: 'https://evil.example/cb' }, { 'accept-language': 'ja' });
      expect(response.statusCode).toBe(400);
      expect(response.headers.location).toBeUndefined();
      expect(response.body).toContain('コールバック URL &quot;https://evil.example/cb&quot; はこのアプリケーションで許可されていません。');
    });

    it('shows an error page without client_id or redirect_uri', async () => {
      const client = await spa();
      const noClient = await authorizeRequest(ctx(), { response_type: 'code' });
      expect(noClient.statusCode).toBe(400);
      expect(noClient.body).toContain('client_id is missing');
      const noRedirect = await authorizeRequest(ctx(), { response_type: 'code', client_id: client.client_id });
      expect(noRedirect.statusCode).toBe(400);
      expect(noRedirect.body).toContain('The request has no redirect_uri.');
    });

    it('redirects errors to a registered redirect_uri with error, error_description and state', async () => {
      const client = await spa();
      const { challenge } = pkcePair();
      const cases: Array<[Record<string, string>, string, string]> = [
        [{ response_type: 'token' }, 'unsupported_response_type', 'Unsupported response type: token'],
        [{ code_challenge: challenge, code_challenge_method: 'plain' }, 'invalid_request', 'Unsupported code_challenge_method: plain. Use S256.'],
        [{}, 'invalid_request', 'PKCE is required for public clients: send code_challenge with code_challenge_method=S256'],
        [{ code_challenge: challenge }, 'invalid_request', 'Missing required parameter: code_challenge_method (must be S256)'],
        [{ code_challenge: 'short', code_challenge_method: 'S256' }, 'invalid_request', 'code_challenge must be a base64url-encoded SHA-256 hash (43 characters)'],
        [{ code_challenge: challenge, code_challenge_method: 'S256', audience: ctx().tenant.managementAudience }, 'access_denied', 'The Management API cannot be requested on behalf of a user'],
      ];
      for (const [params, error, description] of cases) {
        const response = await authorizeRequest(ctx(), { response_type: 'code', client_id: client.client_id, redirect_uri: CALLBACK, state: 'xyz', ...params });
        expect(response.statusCode, JSON.stringify(params)).toBe(302);
        const location = new URL(String(response.headers.location));
        expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
        expect(Object.fromEntries(location.searchParams)).toEqual({ error, error_description: description, state: 'xyz' });
      }
    });

    it('redirects unauthorized_client for a client without the authorization_code grant', async () => {
      const client = await createClient(ctx(), { grant_types: ['password'] });
      const response = await authorizeRequest(ctx(), { response_type: 'code', client_id: client.client_id, redirect_uri: CALLBACK });
      expect(response.statusCode).toBe(302);
      expect(new URL(String(response.headers.location)).searchParams.get('error')).toBe('unauthorized_client');
    });

    it('renders the login page in the ui_locales language, then Accept-Language, then the tenant default', async () => {
      const client = await spa();
      const { challenge } = pkcePair();
      const base = { response_type: 'code', client_id: client.client_id, redirect_uri: CALLBACK, code_challenge: challenge, code_challenge_method: 'S256' };
      const ja = await authorizeRequest(ctx(), { ...base, ui_locales: 'ja' }, { 'accept-language': 'en' });
      expect(ja.statusCode).toBe(200);
      expect(ja.body).toContain('<html lang="ja">');
      expect(ja.body).toContain('メールアドレスまたはユーザー名');
      const fromHeader = await authorizeRequest(ctx(), base, { 'accept-language': 'fr;q=1, ja-JP;q=0.8, en;q=0.5' });
      expect(fromHeader.body).toContain('<html lang="ja">');
      const fallback = await authorizeRequest(ctx(), { ...base, ui_locales: 'de' });
      expect(fallback.body).toContain('<html lang="en">');
      expect(fallback.body).toContain('Email address or username');
    });

    it('serves the login page with a strict CSP and a binding cookie', async () => {
      const client = await spa();
      const { challenge } = pkcePair();
      const response = await authorizeRequest(ctx(), { response_type: 'code', client_id: client.client_id, redirect_uri: CALLBACK, code_challenge: challenge, code_challenge_method: 'S256' });
      const csp = String(response.headers['content-security-policy']);
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("form-action 'self' https://app.example");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(response.headers['x-frame-options']).toBe('DENY');
      const [pair, ...attributes] = String(response.headers['set-cookie']).split('; ');
      expect(pair).toMatch(/^guardline_login=[\w-]+$/);
      expect(attributes.sort()).toEqual(['HttpOnly', 'Max-Age=900', 'Path=/u', 'SameSite=Lax']);
      expect(response.body).not.toMatch(/<script|https?:\/\/[^"]*\.(css|js)/);
    });
  });

  describe('POST /u/login', () => {
    async function loginPage(params: Record<string, string> = {}) {
      const client = await spa();
      const { challenge } = pkcePair();
      const page = await authorizeRequest(ctx(), { response_type: 'code', client_id: client.client_id, redirect_uri: CALLBACK, code_challenge: challenge, code_challenge_method: 'S256', ...params });
      return { client, transaction: loginStateOf(page.body), cookie: cookieOf(page) };
    }

    it('re-renders the form with a localised error on a wrong password', async () => {
      const user = await createUser(ctx());
      const { transaction, cookie } = await loginPage({ ui_locales: 'ja' });
      const response = await submitLogin(ctx(), { state: transaction, username: user.email, password: 'wrong password!' }, cookie);
      expect(response.statusCode).toBe(400);
      expect(response.body).toContain('メールアドレスまたはパスワードが正しくありません。');
      expect(response.body).toContain(`value="${user.email}"`);
      expect(response.body).not.toContain('wrong password!');
      expect((await logsOf(ctx(), 'fp'))[0]).toMatchObject({ user_name: user.email });
    });

    it('tells a blocked user so, in English', async () => {
      const user = await createUser(ctx(), { blocked: true });
      const { transaction, cookie } = await loginPage({ ui_locales: 'en' });
      const response = await submitLogin(ctx(), { state: transaction, username: user.email, password: PASSWORD }, cookie);
      expect(response.statusCode).toBe(400);
      expect(response.body).toContain('Your account has been blocked.');
    });

    it('refuses a transaction without its binding cookie, or a tampered one', async () => {
      const user = await createUser(ctx());
      const { transaction, cookie } = await loginPage();
      const noCookie = await submitLogin(ctx(), { state: transaction, username: user.email, password: PASSWORD }, undefined);
      expect(noCookie.statusCode).toBe(400);
      expect(noCookie.body).toContain('This login page has expired');
      const other = await loginPage();
      const wrongCookie = await submitLogin(ctx(), { state: transaction, username: user.email, password: PASSWORD }, other.cookie);
      expect(wrongCookie.statusCode).toBe(400);
      const [h, p, s] = transaction.split('.');
      const tampered = await submitLogin(ctx(), { state: `${h}.${p}x.${s}`, username: user.email, password: PASSWORD }, cookie);
      expect(tampered.statusCode).toBe(400);
      expect(tampered.headers.location).toBeUndefined();
    });

    it('refuses an expired transaction', async () => {
      const user = await createUser(ctx());
      const { transaction, cookie } = await loginPage();
      clock.advance(16 * 60 * 1000);
      const response = await submitLogin(ctx(), { state: transaction, username: user.email, password: PASSWORD }, cookie);
      expect(response.statusCode).toBe(400);
      expect(response.body).toContain('This login page has expired');
    });

    it('answers a malformed form with an HTML page', async () => {
      const response = await submitLogin(ctx(), { username: 'x' }, undefined);
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toContain('text/html');
    });
  });

  describe('token exchange', () => {
    it('exchanges a code for tokens with the verifier (public client), logging s and seacft', async () => {
      const client = await spa();
      const user = await createUser(ctx());
      const { verifier, challenge } = pkcePair();
      const { code, state, location } = await obtainCode(ctx(), client, user.email, { code_challenge: challenge, code_challenge_method: 'S256', nonce: 'n-0S6_WzA2Mj' });
      expect(state).toBe('st-1');
      expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
      expect((await logsOf(ctx(), 's'))[0]).toMatchObject({ user_id: user.user_id, client_id: client.client_id });

      const response = await tokenRequest(ctx(), { grant_type: 'authorization_code', client_id: client.client_id, code, redirect_uri: CALLBACK, code_verifier: verifier });
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.scope).toBe('openid profile email offline_access');
      expect(body.refresh_token).toBeDefined();
      const id = await verifyWithJwks(ctx(), body.id_token, client.client_id);
      expect(id).toMatchObject({ sub: user.user_id, nonce: 'n-0S6_WzA2Mj', email: user.email });
      const access = await verifyWithJwks(ctx(), body.access_token, `${ctx().tenant.issuer}userinfo`);
      expect(access.sub).toBe(user.user_id);
      const [entry] = await logsOf(ctx(), 'seacft');
      expect(entry).toMatchObject({ user_id: user.user_id, client_id: client.client_id });
      expect(JSON.stringify(entry)).not.toContain(code);
    });

    it('authenticates a confidential client by Basic and allows it without PKCE', async () => {
      const client = await createClient(ctx());
      const user = await createUser(ctx());
      const { code } = await obtainCode(ctx(), client, user.email);
      const response = await tokenRequest(ctx(), { grant_type: 'authorization_code', code, redirect_uri: CALLBACK }, { headers: { authorization: basic(client.client_id, client.client_secret!) } });
      expect(response.statusCode).toBe(200);
    });

    it('refuses a confidential client without its secret', async () => {
      const client = await createClient(ctx());
      const user = await createUser(ctx());
      const { code } = await obtainCode(ctx(), client, user.email);
      const response = await tokenRequest(ctx(), { grant_type: 'authorization_code', client_id: client.client_id, code, redirect_uri: CALLBACK });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error: 'invalid_client', error_description: 'Unauthorized' });
    });

    it('refuses a wrong code_verifier with invalid_grant and logs feacft', async () => {
      const client = await spa();
      const user = await createUser(ctx());
      const { challenge } = pkcePair();
      const { code } = await obtainCode(ctx(), client, user.email, { code_challenge: challenge, code_challenge_method: 'S256' });
      const response = await tokenRequest(ctx(), { grant_type: 'authorization_code', client_id: client.client_id, code, redirect_uri: CALLBACK, code_verifier: pkcePair().verifier });
      expect(response.statusCode).toBe(403);
      expect(response.json()).toEqual({ error: 'invalid_grant', error_description: 'Failed to verify code verifier' });
      expect((await logsOf(ctx(), 'feacft'))[0]).toMatchObject({ description: 'Failed to verify code verifier', client_id: client.client_id });
    });

    it('refuses a missing code_verifier when a challenge was sent', async () => {
      const client = await spa();
      const user = await createUser(ctx());
      const { challenge } = pkcePair();
      const { code } = await obtainCode(ctx(), client, user.email, { code_challenge: challenge, code_challenge_method: 'S256' });
      const response = await tokenRequest(ctx(), { grant_type: 'authorization_code', client_id: client.client_id, code, redirect_uri: CALLBACK });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ error: 'invalid_request', error_description: 'Missing required parameter: code_verifier' });
    });

    it('refuses a redirect_uri that differs from the authorization request', async () => {
      const client = await createClient(ctx(), { callbacks: [CALLBACK, 'https://app.example/other'] });
      const user = await createUser(ctx());
      const { code } = await obtainCode(ctx(), client, user.email);
      const response = await tokenRequest(ctx(), { grant_type: 'authorization_code', client_id: client.client_id, client_secret: client.client_secret!, code, redirect_uri: 'https://app.example/other' });
      expect(response.statusCode).toBe(403);
      expect(response.json()).toEqual({ error: 'invalid_grant', error_description: 'redirect_uri does not match the one of the authorization request' });
    });

    it('accepts a code once: the second exchange is invalid_grant', async () => {
      const client = await spa();
      const user = await createUser(ctx());
      const { verifier, challenge } = pkcePair();
      const { code } = await obtainCode(ctx(), client, user.email, { code_challenge: challenge, code_challenge_method: 'S256' });
      const params = { grant_type: 'authorization_code', client_id: client.client_id, code, redirect_uri: CALLBACK, code_verifier: verifier };
      const results = await Promise.all([tokenRequest(ctx(), params), tokenRequest(ctx(), params)]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 403]);
      const again = await tokenRequest(ctx(), params);
      expect(again.statusCode).toBe(403);
      expect(again.json()).toEqual({ error: 'invalid_grant', error_description: 'Invalid authorization code' });
    });

    it('refuses a code after its 60 seconds', async () => {
      const client = await spa();
      const user = await createUser(ctx());
      const { verifier, challenge } = pkcePair();
      const { code } = await obtainCode(ctx(), client, user.email, { code_challenge: challenge, code_challenge_method: 'S256' });
      clock.advance(61_000);
      const response = await tokenRequest(ctx(), { grant_type: 'authorization_code', client_id: client.client_id, code, redirect_uri: CALLBACK, code_verifier: verifier });
      expect(response.statusCode).toBe(403);
      expect(response.json()).toEqual({ error: 'invalid_grant', error_description: 'Invalid authorization code' });
    });

    it('refuses a code issued to another client', async () => {
      const client = await spa();
      const other = await spa();
      const user = await createUser(ctx());
      const { verifier, challenge } = pkcePair();
      const { code } = await obtainCode(ctx(), client, user.email, { code_challenge: challenge, code_challenge_method: 'S256' });
      const response = await tokenRequest(ctx(), { grant_type: 'authorization_code', client_id: other.client_id, code, redirect_uri: CALLBACK, code_verifier: verifier });
      expect(response.json()).toEqual({ error: 'invalid_grant', error_description: 'Invalid authorization code' });
    });

    it('refuses an unknown code and a missing code', async () => {
      const client = await spa();
      const unknown = await tokenRequest(ctx(), { grant_type: 'authorization_code', client_id: client.client_id, code: 'made-up', redirect_uri: CALLBACK, code_verifier: pkcePair().verifier });
      expect(unknown.statusCode).toBe(403);
      expect(unknown.json()).toEqual({ error: 'invalid_grant', error_description: 'Invalid authorization code' });
      const missing = await tokenRequest(ctx(), { grant_type: 'authorization_code', client_id: client.client_id, redirect_uri: CALLBACK });
      expect(missing.statusCode).toBe(400);
      expect(missing.json()).toEqual({ error: 'invalid_request', error_description: 'Missing required parameter: code' });
    });
  });
});
