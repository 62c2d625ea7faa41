import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { CALLBACK, PASSWORD, authorizeRequest, cookieOf, createClient, createUser, logsOf, pkcePair, submitLogin, tokenRequest, loginStateOf, verifyWithJwks } from './helpers.js';

const SPA_ORIGIN = 'https://app.example';

/** `name=value` of the cookie `name` among a response's Set-Cookie headers. */
function cookieNamed(response: { headers: Record<string, unknown> }, name: string): string | undefined {
  const headers = ([] as unknown[]).concat(response.headers['set-cookie'] ?? []).map(String);
  return headers.find((h) => h.startsWith(`${name}=`));
}

describe.each(DIALECTS)('login sessions, response modes and /v2/logout (%s)', (dialect) => {
  const clock = new ManualClock();
  const ctx = useTestContext(dialect, { clock });

  async function spa(extra: Record<string, unknown> = {}) {
    return createClient(ctx(), { app_type: 'spa', grant_types: ['authorization_code', 'refresh_token'], web_origins: [SPA_ORIGIN], allowed_logout_urls: ['https://app.example/bye'], ...extra });
  }

  function params(clientId: string, extra: Record<string, string> = {}) {
    const { challenge } = pkcePair();
    return { response_type: 'code', client_id: clientId, redirect_uri: CALLBACK, scope: 'openid profile email', state: 'st', nonce: 'n-1', code_challenge: challenge, code_challenge_method: 'S256', ...extra };
  }

  /** Logs in through the form; returns the session cookie (`name=value`) and the response. */
  async function login(clientId: string, username: string, extra: Record<string, string> = {}) {
    const page = await authorizeRequest(ctx(), params(clientId, extra));
    expect(page.statusCode).toBe(200);
    const response = await submitLogin(ctx(), { state: loginStateOf(page.body), username, password: PASSWORD }, cookieOf(page));
    const setCookie = cookieNamed(response, 'guardline_session');
    return { response, session: setCookie?.split(';')[0], setCookie };
  }

  it('sets an HttpOnly session cookie on login; prompt=none then answers with a code, without the form', async () => {
    const client = await spa();
    const user = await createUser(ctx());
    const { response, session, setCookie } = await login(client.client_id, user.email);
    expect(response.statusCode).toBe(302);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/Path=\//);
    // The test issuer is plain http: SameSite=None would need Secure, which browsers refuse there.
    expect(setCookie).toMatch(/SameSite=Lax/i);

    const silent = await authorizeRequest(ctx(), params(client.client_id, { prompt: 'none' }), { cookie: session! });
    expect(silent.statusCode).toBe(302);
    const location = new URL(String(silent.headers.location));
    expect(location.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(location.searchParams.get('state')).toBe('st');
    expect(await logsOf(ctx(), 'ssa')).toHaveLength(1);
  });

  it('answers prompt=none without a session (or with an unknown cookie) with login_required on the redirect_uri', async () => {
    const client = await spa();
    for (const headers of [{}, { cookie: 'guardline_session=forged' }] as Record<string, string>[]) {
      const response = await authorizeRequest(ctx(), params(client.client_id, { prompt: 'none' }), headers);
      expect(response.statusCode).toBe(302);
      const location = new URL(String(response.headers.location));
      expect(location.origin + location.pathname).toBe(CALLBACK);
      expect(location.searchParams.get('error')).toBe('login_required');
      expect(location.searchParams.get('state')).toBe('st');
    }
    expect((await logsOf(ctx(), 'fsa')).length).toBe(2);
  });

  it('shows the form for prompt=login even with a session, and reuses the session without prompt (single sign-on)', async () => {
    const client = await spa();
    const user = await createUser(ctx());
    const { session } = await login(client.client_id, user.email);
    const forced = await authorizeRequest(ctx(), params(client.client_id, { prompt: 'login' }), { cookie: session! });
    expect(forced.statusCode).toBe(200);
    expect(forced.body).toContain('name="state"');
    const sso = await authorizeRequest(ctx(), params(client.client_id), { cookie: session! });
    expect(sso.statusCode).toBe(302);
    expect(new URL(String(sso.headers.location)).searchParams.get('code')).toBeTruthy();
  });

  it('does not reuse a session older than max_age, nor one past its idle lifetime', async () => {
    const client = await spa();
    const user = await createUser(ctx());
    const { session } = await login(client.client_id, user.email);
    clock.advance(120_000);
    const young = await authorizeRequest(ctx(), params(client.client_id, { prompt: 'none', max_age: '600' }), { cookie: session! });
    expect(new URL(String(young.headers.location)).searchParams.get('code')).toBeTruthy();
    const old = await authorizeRequest(ctx(), params(client.client_id, { prompt: 'none', max_age: '60' }), { cookie: session! });
    expect(new URL(String(old.headers.location)).searchParams.get('error')).toBe('login_required');
    const bad = await authorizeRequest(ctx(), params(client.client_id, { max_age: 'soon' }), { cookie: session! });
    expect(new URL(String(bad.headers.location)).searchParams.get('error')).toBe('invalid_request');
    clock.advance(73 * 3600 * 1000);
    const idle = await authorizeRequest(ctx(), params(client.client_id, { prompt: 'none' }), { cookie: session! });
    expect(new URL(String(idle.headers.location)).searchParams.get('error')).toBe('login_required');
  });

  it('carries auth_time into the id_token, and amr when completeLogin was given one', async () => {
    const client = await spa();
    const user = await createUser(ctx());
    const { verifier, challenge } = pkcePair();
    const outcome = await ctx().services.authorization.authorize(ctx().tenant, { ...params(client.client_id), code_challenge: challenge }, 'en');
    if (outcome.kind !== 'login') throw new Error(outcome.kind);
    const row = await ctx().services.users.find(ctx().tenant, user.user_id);
    const completion = await ctx().services.authorization.completeLogin(ctx().tenant, outcome.request, row!, { amr: ['mfa'] }, {});
    expect(completion.response).toMatchObject({ mode: 'query', redirectUri: CALLBACK, params: { state: 'st' } });
    const tokens = await tokenRequest(ctx(), { grant_type: 'authorization_code', client_id: client.client_id, code: completion.response.params.code!, redirect_uri: CALLBACK, code_verifier: verifier });
    expect(tokens.statusCode).toBe(200);
    const id = await verifyWithJwks(ctx(), tokens.json().id_token, client.client_id);
    expect(id.amr).toEqual(['mfa']);
    expect(id.auth_time).toBe(Math.floor(clock.now().getTime() / 1000));
    expect(decodeJwt(tokens.json().access_token).amr).toEqual(['mfa']);

    // A password alone: no amr claim (Auth0's default).
    const { response } = await login(client.client_id, user.email);
    const code = new URL(String(response.headers.location)).searchParams.get('code')!;
    expect(code).toBeTruthy();
  });

  it('accepts auth0Client telemetry, even malformed, and refuses an unknown response_mode on the redirect_uri', async () => {
    const client = await spa();
    const telemetry = Buffer.from(JSON.stringify({ name: 'auth0-spa-js', version: '2.28.3' })).toString('base64');
    for (const auth0Client of [telemetry, '%%%not-base64']) {
      expect((await authorizeRequest(ctx(), params(client.client_id, { auth0Client }))).statusCode).toBe(200);
    }
    const bad = await authorizeRequest(ctx(), params(client.client_id, { response_mode: 'fragment' }));
    expect(new URL(String(bad.headers.location)).searchParams.get('error')).toBe('invalid_request');
  });

  it('form_post: an auto-posting form to the redirect_uri that also works without JavaScript', async () => {
    const client = await spa();
    const user = await createUser(ctx());
    const { response } = await login(client.client_id, user.email, { response_mode: 'form_post' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain(`<form method="post" action="${CALLBACK}">`);
    expect(response.body).toMatch(/<input type="hidden" name="code" value="[A-Za-z0-9_-]{43}">/);
    expect(response.body).toContain('<input type="hidden" name="state" value="st">');
    expect(response.body).toContain('<button type="submit">');
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toMatch(/script-src 'sha256-[^']+'/);
    expect(csp).toContain('form-action https://app.example');
  });

  it('web_message: posts the response to the web origin only, framed by that origin only', async () => {
    const client = await spa();
    const user = await createUser(ctx());
    const { session } = await login(client.client_id, user.email);
    const silent = await authorizeRequest(ctx(), params(client.client_id, { prompt: 'none', response_mode: 'web_message' }), { cookie: session! });
    expect(silent.statusCode).toBe(200);
    const csp = String(silent.headers['content-security-policy']);
    expect(csp).toContain(`frame-ancestors ${SPA_ORIGIN}`);
    expect(silent.headers['x-frame-options']).toBeUndefined();
    const data = JSON.parse(/<script type="application\/json" id="authorization-response">(.*?)<\/script>/.exec(silent.body)![1]!);
    expect(data.origin).toBe(SPA_ORIGIN);
    expect(data.response).toMatchObject({ state: 'st' });
    expect(data.response.code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(silent.body).toContain('type:"authorization_response"');

    const none = await authorizeRequest(ctx(), params(client.client_id, { prompt: 'none', response_mode: 'web_message' }));
    expect(JSON.parse(/id="authorization-response">(.*?)<\/script>/.exec(none.body)![1]!).response).toMatchObject({ error: 'login_required', state: 'st' });

    // An origin the client does not list never receives a message.
    const unlisted = await spa({ web_origins: [] });
    const refused = await authorizeRequest(ctx(), params(unlisted.client_id, { prompt: 'none', response_mode: 'web_message' }));
    expect(refused.statusCode).toBe(400);
    expect(refused.body).not.toContain('authorization_response');
  });

  it('/v2/logout ends the session and follows only an allowed returnTo', async () => {
    const client = await spa();
    const user = await createUser(ctx());
    const { session } = await login(client.client_id, user.email);
    const logout = (query: string, headers: Record<string, string> = {}) =>
      ctx().app.inject({ method: 'GET', url: `/v2/logout${query}`, headers: { host: ctx().tenant.domain, ...headers } });

    const out = await logout(`?client_id=${client.client_id}&returnTo=${encodeURIComponent('https://app.example/bye')}`, { cookie: session! });
    expect(out.statusCode).toBe(302);
    expect(out.headers.location).toBe('https://app.example/bye');
    expect(cookieNamed(out, 'guardline_session')).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/i);
    const [slo] = await logsOf(ctx(), 'slo');
    expect(slo).toMatchObject({ user_id: user.user_id, client_id: client.client_id });
    // The old cookie no longer logs anyone in.
    const silent = await authorizeRequest(ctx(), params(client.client_id, { prompt: 'none' }), { cookie: session! });
    expect(new URL(String(silent.headers.location)).searchParams.get('error')).toBe('login_required');

    const notAllowed = await logout(`?client_id=${client.client_id}&returnTo=${encodeURIComponent('https://evil.example/')}`);
    expect(notAllowed.statusCode).toBe(400);
    expect(notAllowed.headers.location).toBeUndefined();
    expect(notAllowed.body).toContain('https://evil.example/');
    expect((await logout(`?returnTo=${encodeURIComponent('https://app.example/bye')}`)).statusCode).toBe(400);

    const en = await logout('', { 'accept-language': 'en' });
    expect(en.statusCode).toBe(200);
    expect(en.body).toContain('You have logged out');
    const ja = await logout('?ui_locales=ja');
    expect(ja.body).toContain('<html lang="ja"');
    expect(ja.body).toContain('ログアウトしました');
  });
});
