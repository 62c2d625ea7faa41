import { describe, expect, it } from 'vitest';
import { CLIENT_SECRET_KEY_PURPOSE, createClientSecrets, hmacDigest, type SecretDigest } from '../../src/crypto/client-secret.js';
import { hashSecret } from '../../src/crypto/password.js';
import { GRANT_TYPES } from '../../src/domain/grant-types.js';
import { ManualClock } from '../../src/domain/clock.js';
import { CLIENT_AUTH_LIMITS } from '../../src/limits/index.js';
import { createClientAuthentication } from '../../src/services/client-authentication.js';
import type { LogEntry } from '../../src/services/events.js';
import type { Dialect } from '../../src/store/database.js';
import { DIALECTS, managementToken, useTestContext, type TestContext } from '../support/harness.js';
import { basic, createClient } from './helpers.js';

const HMAC_FORM = /^hmac-sha256\$[A-Za-z0-9_-]{43}$/;
const TOO_MANY = { error: 'too_many_attempts', error_description: 'Too many failed client authentications. Wait before retrying.' };
const INVALID_CLIENT = { error: 'invalid_client', error_description: 'Unauthorized' };

/** POST /oauth/token as a form from `ip` (the socket address: no proxy is trusted in tests). */
function tokenFrom(ctx: TestContext, ip: string, params: Record<string, string>, headers: Record<string, string> = {}) {
  return ctx.app.inject({
    method: 'POST',
    url: '/oauth/token',
    remoteAddress: ip,
    headers: { host: ctx.tenant.domain, 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams(params).toString(),
  });
}

/** The log entries written after this call, oldest first. */
async function logMark(ctx: TestContext): Promise<() => Promise<LogEntry[]>> {
  const [last] = (await ctx.services.events.list(ctx.tenant.id, {}, { offset: 0, limit: 1, order: 'desc' }, false)).logs;
  return async () => (await ctx.services.events.list(ctx.tenant.id, last ? { afterLogId: last.log_id } : {}, { offset: 0, limit: 100, order: 'asc' }, false)).logs;
}

const storedHash = async (ctx: TestContext, clientId: string) => (await ctx.services.clients.find(ctx.tenant, clientId))?.client_secret_hash;

/** A machine-to-machine client allowed client_credentials on the Management API, and its token request. */
async function m2m(ctx: TestContext) {
  const client = await createClient(ctx, { name: 'Billing Worker', app_type: 'non_interactive', grant_types: ['client_credentials'] });
  await ctx.services.clientGrants.create(ctx.tenant, { client_id: client.client_id, audience: ctx.tenant.managementAudience, scope: ['read:users'] });
  const params = { grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret!, audience: ctx.tenant.managementAudience };
  return { client, params, wrong: { ...params, client_secret: `${client.client_secret}-wrong` } };
}

let ipCounter = 0;
/** A fresh address per call, so one test's failures never spend another test's per-IP bucket. */
const freshIp = () => `198.51.${100 + Math.floor(++ipCounter / 250)}.${ipCounter % 250}`;

describe.each(DIALECTS)('client secrets are stored as keyed hashes (%s)', (dialect) => {
  const ctx = useTestContext(dialect);

  it('stores an HMAC, never the secret and never argon2, for created, Management-API-created, rotated and newly confidential clients', async () => {
    const created = await createClient(ctx());
    const token = await managementToken(ctx());
    const auth = { host: ctx().tenant.domain, authorization: `Bearer ${token}` };
    const viaApi = (await ctx().app.inject({ method: 'POST', url: '/api/v2/clients', headers: auth, payload: { name: 'via api', app_type: 'non_interactive' } })).json();
    const rotated = (await ctx().app.inject({ method: 'POST', url: `/api/v2/clients/${viaApi.client_id}/rotate-secret`, headers: auth })).json();
    const spa = await createClient(ctx(), { app_type: 'spa' });
    expect(await storedHash(ctx(), spa.client_id)).toBeNull();
    const confidential = await ctx().services.clients.update(ctx().tenant, spa.client_id, { token_endpoint_auth_method: 'client_secret_post' });

    const cases: Array<[string, string]> = [
      [ctx().admin.clientId, ctx().admin.clientSecret],
      [created.client_id, created.client_secret!],
      [viaApi.client_id, rotated.client_secret],
      [spa.client_id, confidential.client_secret!],
    ];
    for (const [clientId, secret] of cases) {
      expect(secret).toMatch(/^[A-Za-z0-9]{64}$/);
      const stored = (await storedHash(ctx(), clientId))!;
      expect(stored).toMatch(HMAC_FORM);
      expect(stored).not.toContain(secret);
    }
    expect(rotated.client_secret).not.toBe(viaApi.client_secret);
    // the rotated secret authenticates, the old one no longer does
    const request = (secret: string) =>
      tokenFrom(ctx(), freshIp(), { grant_type: 'client_credentials', client_id: viaApi.client_id, client_secret: secret, audience: ctx().tenant.managementAudience });
    expect((await request(viaApi.client_secret)).statusCode).toBe(401);
    expect((await request(rotated.client_secret)).statusCode).toBe(403); // authenticated; it has no client grant
  });

  it('two clients given the same operator-chosen secret store different values, and a short chosen secret is refused', async () => {
    const secret = 'an-operator-chosen-secret-0123456789abcdef';
    const a = await ctx().services.clients.create(ctx().tenant, { name: 'a' }, { clientSecret: secret });
    const b = await ctx().services.clients.create(ctx().tenant, { name: 'b' }, { clientSecret: secret });
    expect(await storedHash(ctx(), a.client_id)).not.toBe(await storedHash(ctx(), b.client_id));
    await expect(ctx().services.clients.create(ctx().tenant, { name: 'c' }, { clientSecret: 'x'.repeat(31) })).rejects.toThrow(/client_secret must be 32–512 random characters/);
  });

  it('a legacy argon2id row still verifies, is rewritten as an HMAC by its first success, and keeps working', async () => {
    const { client, params, wrong } = await m2m(ctx());
    const legacy = await hashSecret(client.client_secret!);
    await ctx().handle.db.updateTable('clients').set({ client_secret_hash: legacy }).where('client_id', '=', client.client_id).execute();

    // a wrong secret against the legacy row: refused, the row untouched
    expect((await tokenFrom(ctx(), freshIp(), wrong)).statusCode).toBe(401);
    expect(await storedHash(ctx(), client.client_id)).toBe(legacy);

    // the right secret: accepted, and the row now holds the HMAC of that secret
    expect((await tokenFrom(ctx(), freshIp(), params)).statusCode).toBe(200);
    const upgraded = (await storedHash(ctx(), client.client_id))!;
    expect(upgraded).toMatch(HMAC_FORM);
    expect(upgraded).toBe(createClientSecrets(hmacDigest(ctx().services.deps.secretBox.derive(CLIENT_SECRET_KEY_PURPOSE))).hash(client.client_id, client.client_secret!));
    expect((await tokenFrom(ctx(), freshIp(), params)).statusCode).toBe(200);
    expect((await tokenFrom(ctx(), freshIp(), wrong)).statusCode).toBe(401);
  });

  it('concurrent first successes on a legacy row all pass and leave one HMAC; a rewrite racing a rotation keeps the rotation', async () => {
    const { client, params } = await m2m(ctx());
    const legacy = await hashSecret(client.client_secret!);
    await ctx().handle.db.updateTable('clients').set({ client_secret_hash: legacy }).where('client_id', '=', client.client_id).execute();
    const answers = await Promise.all([1, 2, 3, 4].map(() => tokenFrom(ctx(), freshIp(), params)));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200]);
    expect(await storedHash(ctx(), client.client_id)).toMatch(HMAC_FORM);

    // a success that read the legacy row before a rotation must not write the old secret back afterwards
    await ctx().handle.db.updateTable('clients').set({ client_secret_hash: legacy }).where('client_id', '=', client.client_id).execute();
    const staleRow = (await ctx().services.clients.find(ctx().tenant, client.client_id))!;
    const rotated = await ctx().services.clients.rotateSecret(ctx().tenant, client.client_id);
    await ctx().services.clients.upgradeSecretHash(staleRow, client.client_secret!);
    expect((await tokenFrom(ctx(), freshIp(), params)).statusCode).toBe(401);
    expect((await tokenFrom(ctx(), freshIp(), { ...params, client_secret: rotated.client_secret! })).statusCode).toBe(200);
  });
});

describe.each(DIALECTS)('failed client authentications: 401 invalid_client and one event each (%s)', (dialect) => {
  const ctx = useTestContext(dialect);

  it('wrong secret, unknown client id, missing secret, a secret sent by a public client: one feccft each, with id, name, IP, never the secret', async () => {
    const { client, params, wrong } = await m2m(ctx());
    const spa = await createClient(ctx(), { name: 'Public SPA', app_type: 'spa', grant_types: ['client_credentials'] });
    const { client_secret: _omit, ...missing } = params;
    const cases: Array<[Record<string, string>, Record<string, string>, string, string | undefined, string, string]> = [
      [wrong, {}, client.client_id, 'Billing Worker', 'Wrong client secret', 'wrong_secret'],
      [{ ...params, client_id: 'no-such-client-id' }, {}, 'no-such-client-id', undefined, 'Unknown client', 'unknown_client'],
      [missing, {}, client.client_id, 'Billing Worker', 'Missing client secret (the client is confidential)', 'missing_secret'],
      [{ ...params, client_id: spa.client_id }, {}, spa.client_id, 'Public SPA', 'A client secret was sent for a public client', 'unexpected_secret'],
      // client_secret_basic: the same answer and the same entry
      [{ grant_type: 'client_credentials', audience: params.audience }, { authorization: basic(client.client_id, 'not-it') }, client.client_id, 'Billing Worker', 'Wrong client secret', 'wrong_secret'],
    ];
    for (const [body, headers, clientId, clientName, description, reason] of cases) {
      const ip = freshIp();
      const since = await logMark(ctx());
      const response = await tokenFrom(ctx(), ip, body, headers);
      expect(response.statusCode, description).toBe(401);
      expect(response.json()).toEqual(INVALID_CLIENT);
      const entries = await since();
      expect(entries.map((e) => ({ type: e.type, client_id: e.client_id, client_name: e.client_name, ip: e.ip, description: e.description, details: e.details }))).toEqual([
        { type: 'feccft', client_id: clientId, client_name: clientName, ip, description, details: { reason } },
      ]);
      expect(JSON.stringify(entries)).not.toContain(client.client_secret!);
      expect(JSON.stringify(entries)).not.toContain('not-it');
    }
  });

  it("each grant logs its own Auth0 failure type; /mfa/challenge logs feoobft", async () => {
    const client = await createClient(ctx(), { name: 'All Grants', grant_types: Object.values(GRANT_TYPES) });
    const cases: Array<[string, string]> = [
      [GRANT_TYPES.clientCredentials, 'feccft'],
      [GRANT_TYPES.password, 'fepft'],
      [GRANT_TYPES.authorizationCode, 'feacft'],
      [GRANT_TYPES.refreshToken, 'fertft'],
      [GRANT_TYPES.mfaOob, 'feoobft'],
      [GRANT_TYPES.mfaRecoveryCode, 'fercft'],
    ];
    for (const [grantType, type] of cases) {
      const since = await logMark(ctx());
      const response = await tokenFrom(ctx(), freshIp(), { grant_type: grantType, client_id: client.client_id, client_secret: 'wrong-secret' });
      expect(response.statusCode, grantType).toBe(401);
      expect((await since()).map((e) => [e.type, e.client_id, e.description])).toEqual([[type, client.client_id, 'Wrong client secret']]);
    }
    const since = await logMark(ctx());
    const challenge = await ctx().app.inject({
      method: 'POST',
      url: '/mfa/challenge',
      remoteAddress: freshIp(),
      headers: { host: ctx().tenant.domain },
      payload: { client_id: client.client_id, client_secret: 'wrong-secret', challenge_type: 'oob', mfa_token: 'whatever' },
    });
    expect(challenge.statusCode).toBe(401);
    expect(challenge.json()).toEqual(INVALID_CLIENT);
    expect((await since()).map((e) => [e.type, e.client_id, e.client_name, e.description])).toEqual([['feoobft', client.client_id, 'All Grants', 'Wrong client secret']]);
  });

  it('a client_id longer than 256 characters or a malformed Basic header is refused before any lookup, without an event', async () => {
    const since = await logMark(ctx());
    const long = await tokenFrom(ctx(), freshIp(), { grant_type: 'client_credentials', client_id: 'x'.repeat(257), client_secret: 's' });
    expect(long.statusCode).toBe(400);
    expect(long.json()).toEqual({ error: 'invalid_request', error_description: 'client_id: must NOT have more than 256 characters' });
    for (const credentials of ['%zz:secret', 'id:%E0%A4%A', 'id%00:secret']) {
      const response = await tokenFrom(ctx(), freshIp(), { grant_type: 'client_credentials' }, { authorization: `Basic ${Buffer.from(credentials).toString('base64')}` });
      expect(response.statusCode, credentials).toBe(401);
      expect(response.json()).toEqual({ error: 'invalid_client', error_description: 'Malformed Basic authorization header' });
    }
    expect(await since()).toEqual([]);
  });
});

// Both databases with the in-process limiter, and once with the Redis limiter that several nodes share.
const LIMIT_SETUPS: Array<[Dialect, 'memory' | 'redis']> = [...DIALECTS.map((d): [Dialect, 'memory'] => [d, 'memory']), ['sqlite', 'redis'], ['postgres', 'redis']];

describe.each(LIMIT_SETUPS)('failed client authentications are limited per IP and per client id (%s, %s limiter)', (dialect, limiter) => {
  const clock = new ManualClock(new Date());
  const ctx = useTestContext(dialect, { clock, limiter });
  const { perIp, perClient } = CLIENT_AUTH_LIMITS;

  it('per IP: 20 failures, then 429 too_many_attempts with Retry-After even for the right secret; other IPs unaffected; one token back after 30 s', async () => {
    const { client, params, wrong } = await m2m(ctx());
    const other = await m2m(ctx());
    const attacker = freshIp();
    expect(perIp).toEqual({ name: 'client_auth_ip', burst: 20, refillEveryMs: 30_000 });
    for (let i = 0; i < 20; i++) {
      // half against the real client, half against ids that do not exist: both count
      const response = await tokenFrom(ctx(), attacker, i % 2 === 0 ? wrong : { ...wrong, client_id: `guess-${i}` });
      expect(response.statusCode, `attempt ${i + 1}`).toBe(401);
    }
    const since = await logMark(ctx());
    for (const body of [wrong, params, other.params]) {
      const refused = await tokenFrom(ctx(), attacker, body);
      expect(refused.statusCode).toBe(429);
      expect(refused.json()).toEqual(TOO_MANY);
      expect(refused.headers['retry-after']).toBe('30');
      expect(refused.headers['cache-control']).toBe('no-store');
    }
    const entries = await since();
    expect(entries.map((e) => [e.type, e.client_id, e.ip, e.description, e.details])).toEqual(
      [client.client_id, client.client_id, other.client.client_id].map((id) => [
        'feccft',
        id,
        attacker,
        'Too many failed client authentications',
        { reason: 'limited', limits: ['ip'], reset_time: new Date(clock.now().getTime() + 30_000).toISOString() },
      ]),
    );
    expect(JSON.stringify(entries)).not.toContain(client.client_secret!);
    // refusals by the IP bucket do not spend the clients' buckets: only the 10 real failures counted for `client`
    expect((await ctx().limiter.peek(perClient, `${ctx().tenant.id}:${client.client_id}`)).remaining).toBe(perClient.burst - 10);
    expect((await ctx().limiter.peek(perClient, `${ctx().tenant.id}:${other.client.client_id}`)).remaining).toBe(perClient.burst);

    // another address is not affected, for either outcome
    expect((await tokenFrom(ctx(), freshIp(), params)).statusCode).toBe(200);
    expect((await tokenFrom(ctx(), freshIp(), wrong)).statusCode).toBe(401);

    // 30 s later the attacker's address has one token: a success gives it back, a failure spends it
    clock.advance(29_999);
    expect((await tokenFrom(ctx(), attacker, params)).statusCode).toBe(429);
    clock.advance(1);
    expect((await tokenFrom(ctx(), attacker, params)).statusCode).toBe(200);
    expect((await tokenFrom(ctx(), attacker, params)).statusCode).toBe(200);
    expect((await tokenFrom(ctx(), attacker, wrong)).statusCode).toBe(401);
    expect((await tokenFrom(ctx(), attacker, params)).statusCode).toBe(429);
  });

  it('per client id: 300 failures from 15 addresses, then 429 from everywhere even with the right secret; other clients unaffected; refill after 6 s', async () => {
    const { client, params, wrong } = await m2m(ctx());
    const other = await m2m(ctx());
    expect(perClient).toEqual({ name: 'client_auth_client', burst: 300, refillEveryMs: 6_000 });
    const statuses = new Map<number, number>();
    for (let address = 0; address < 15; address++) {
      const ip = freshIp();
      for (let i = 0; i < 20; i++) {
        const { statusCode } = await tokenFrom(ctx(), ip, wrong);
        statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
      }
    }
    expect(Object.fromEntries(statuses)).toEqual({ 401: 300 });

    const bystander = freshIp();
    const refused = await tokenFrom(ctx(), bystander, params);
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toEqual(TOO_MANY);
    expect(refused.headers['retry-after']).toBe('6');
    const [entry] = (await ctx().services.events.list(ctx().tenant.id, { types: ['feccft'] }, { offset: 0, limit: 1, order: 'desc' }, false)).logs;
    expect(entry).toMatchObject({ client_id: client.client_id, client_name: 'Billing Worker', ip: bystander, details: { reason: 'limited', limits: ['client_id'] } });
    // the refusal by the client's bucket did not spend the bystander's address
    expect((await ctx().limiter.peek(perIp, `${ctx().tenant.id}:${bystander}`)).remaining).toBe(perIp.burst);
    expect((await tokenFrom(ctx(), bystander, other.params)).statusCode).toBe(200);

    clock.advance(6_000);
    expect((await tokenFrom(ctx(), bystander, params)).statusCode).toBe(200);
  });

  it('in parallel: 50 right secrets from one address all pass; 60 wrong ones get exactly 20 answers of 401, the rest 429; then even right ones get 429', async () => {
    const { params, wrong } = await m2m(ctx());
    const server = freshIp();
    const successes = await Promise.all(Array.from({ length: 50 }, () => tokenFrom(ctx(), server, params)));
    expect(successes.map((r) => r.statusCode)).toEqual(Array(50).fill(200));

    const attacker = freshIp();
    const guesses = await Promise.all(Array.from({ length: 60 }, (_, i) => tokenFrom(ctx(), attacker, { ...wrong, client_secret: `guess-${i}` })));
    const counts = guesses.reduce<Record<number, number>>((acc, r) => ({ ...acc, [r.statusCode]: (acc[r.statusCode] ?? 0) + 1 }), {});
    expect(counts).toEqual({ 401: 20, 429: 40 });
    const afterwards = await Promise.all(Array.from({ length: 5 }, () => tokenFrom(ctx(), attacker, params)));
    expect(afterwards.map((r) => r.statusCode)).toEqual([429, 429, 429, 429, 429]);
  });

  it('a public client (no secret to guess) has no bucket of its own: no one can lock it out by its id; its failures count for the address', async () => {
    const spa = await createClient(ctx(), { name: 'Public SPA', app_type: 'spa', grant_types: ['client_credentials'] });
    const key = `${ctx().tenant.id}:${spa.client_id}`;
    const body = { grant_type: 'client_credentials', client_id: spa.client_id, audience: ctx().tenant.managementAudience };
    const attacker = freshIp();
    for (let i = 0; i < 20; i++) expect((await tokenFrom(ctx(), attacker, { ...body, client_secret: `guess-${i}` })).statusCode).toBe(401);
    expect((await tokenFrom(ctx(), attacker, body)).statusCode).toBe(429);
    expect((await ctx().limiter.peek(perClient, key)).remaining).toBe(perClient.burst);
    // even a full bucket under its id (however it got there) does not refuse it
    await ctx().limiter.take(perClient, key, perClient.burst);
    const answer = await tokenFrom(ctx(), freshIp(), body);
    expect(answer.statusCode).toBe(403); // authenticated: refused only later, as a public client may not use client_credentials
    expect(answer.json().error).not.toBe('too_many_attempts');
  });

  it('an unknown client id is limited exactly like a known one (the limit does not tell which ids exist)', async () => {
    const { wrong } = await m2m(ctx());
    const unknown = { ...wrong, client_id: 'an-id-that-does-not-exist' };
    await ctx().limiter.take(perClient, `${ctx().tenant.id}:${wrong.client_id}`, perClient.burst - 1);
    await ctx().limiter.take(perClient, `${ctx().tenant.id}:${unknown.client_id}`, perClient.burst - 1);
    for (const body of [wrong, unknown]) {
      const ip = freshIp();
      const last = await tokenFrom(ctx(), ip, body);
      const refused = await tokenFrom(ctx(), ip, body);
      expect([last.statusCode, refused.statusCode, refused.headers['retry-after'], refused.body]).toEqual([401, 429, '6', JSON.stringify(TOO_MANY)]);
    }
  });
});

describe.each(DIALECTS)('a refusal costs one keyed hash whether the client id exists or not (%s)', (dialect) => {
  const ctx = useTestContext(dialect);

  /**
   * The real service, with a digest that counts its calls (same key, so stored hashes still verify) and can run
   * `during` inside the check, as a parallel request would.
   */
  /** `during` runs inside the digest; a limiter call it starts has landed before the service reads its buckets again. */
  function countingAuthentication(during: () => Promise<unknown> | void = () => {}) {
    const real = hmacDigest(ctx().services.deps.secretBox.derive(CLIENT_SECRET_KEY_PURPOSE));
    const calls: string[] = [];
    let landing: Promise<unknown> | void;
    const digest: SecretDigest = (clientId, secret) => {
      calls.push(clientId);
      landing = during();
      return real(clientId, secret);
    };
    const { clients, events, deps } = ctx().services;
    const limiter: typeof deps.limiter = { ...deps.limiter, peekAll: async (buckets) => (await landing, deps.limiter.peekAll(buckets)) };
    const service = createClientAuthentication({ ...deps, limiter }, { clients, events, secrets: createClientSecrets(digest) });
    return { calls, authenticate: (clientId: string, clientSecret: string | undefined) => service.authenticate(ctx().tenant, { clientId, clientSecret }, 'feccft', { ip: freshIp() }) };
  }

  it('known id with a wrong or missing secret, unknown id with or without one: exactly one digest each; the right secret: one', async () => {
    const client = await createClient(ctx(), { app_type: 'non_interactive', grant_types: ['client_credentials'] });
    const { calls, authenticate } = countingAuthentication();
    const cases: Array<[string, string | undefined, string]> = [
      [client.client_id, 'wrong-secret', 'refused'],
      [client.client_id, undefined, 'refused'],
      ['unknown-client-id', 'wrong-secret', 'refused'],
      ['unknown-client-id', undefined, 'refused'],
      [client.client_id, client.client_secret!, 'authenticated'],
    ];
    for (const [clientId, secret, outcome] of cases) {
      calls.length = 0;
      expect((await authenticate(clientId, secret)).outcome).toBe(outcome);
      expect(calls, `${clientId} ${secret ?? '(no secret)'}`).toEqual([clientId]);
    }
  });

  it('a right secret is refused when parallel failures emptied a bucket while it was being checked (a burst learns no more verdicts than the bucket holds)', async () => {
    const client = await createClient(ctx(), { app_type: 'non_interactive', grant_types: ['client_credentials'] });
    const key = `${ctx().tenant.id}:${client.client_id}`;
    const { perClient } = CLIENT_AUTH_LIMITS;
    let drained = false;
    const { authenticate } = countingAuthentication(() => {
      if (drained) return;
      drained = true;
      // the failures of a parallel burst land while this request computes its digest
      return ctx().limiter.take(perClient, key, perClient.burst);
    });
    expect(await authenticate(client.client_id, client.client_secret!)).toEqual({ outcome: 'limited', retryAfterMs: perClient.refillEveryMs });
  });

  it('a request refused by its limit runs no digest at all, known id or not', async () => {
    const client = await createClient(ctx(), { app_type: 'non_interactive', grant_types: ['client_credentials'] });
    const { calls, authenticate } = countingAuthentication();
    for (const clientId of [client.client_id, 'another-unknown-client-id']) {
      expect((await ctx().limiter.take(CLIENT_AUTH_LIMITS.perClient, `${ctx().tenant.id}:${clientId}`, CLIENT_AUTH_LIMITS.perClient.burst)).allowed).toBe(true);
      calls.length = 0;
      expect(await authenticate(clientId, client.client_secret!)).toEqual({ outcome: 'limited', retryAfterMs: CLIENT_AUTH_LIMITS.perClient.refillEveryMs });
      expect(calls).toEqual([]);
    }
  });
});
