import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { createTestContext, DIALECTS, type TestContext } from '../support/harness.js';
import { startOwnRedis, type OwnRedis } from '../support/redis-server.js';
import { PHONE_LIMITS } from '../../src/limits/index.js';
import { createUser } from '../auth/helpers.js';
import { openLoginForm, passwordClient, PASSWORD, submitLoginFrom } from '../attack-protection/support.js';
import { associate, challenge, challengeOf, enablePhoneFactor, enrollPhone, latestCode, logMark, mfaActors, mfaState, oobExchange, passwordForMfaToken, US_MOBILE } from '../mfa/support.js';

/**
 * Redis (the limiter of a multi-node deployment) killed under a running server: every MFA call that needs the
 * limiter fails closed and fast with 503 temporarily_unavailable, writes nothing it does not undo, leaves an event
 * naming the cause, and works again by itself once Redis is back. The test runs a redis-server of its own.
 */
const UNAVAILABLE = { error: 'temporarily_unavailable', error_description: 'The service is temporarily unavailable. Try again in a few seconds.' };
const OUTAGE = 'Rate limiter unavailable (Redis unreachable): request refused';

async function timed(call: () => Promise<LightMyRequestResponse>): Promise<{ response: LightMyRequestResponse; ms: number }> {
  const started = performance.now();
  const response = await call();
  return { response, ms: performance.now() - started };
}

function expectUnavailable({ response, ms }: { response: LightMyRequestResponse; ms: number }) {
  expect({ status: response.statusCode, body: response.json(), retryAfter: response.headers['retry-after'] }).toEqual({ status: 503, body: UNAVAILABLE, retryAfter: '5' });
  expect(ms).toBeLessThan(1000);
}

describe.each(DIALECTS)('Redis down under a running server (%s)', (dialect) => {
  let redis: OwnRedis;
  let context: TestContext | undefined;
  const ctx = () => context!;
  beforeAll(async () => {
    redis = await startOwnRedis();
    context = await createTestContext(dialect, { limiter: 'redis', redisUrl: redis.url });
  });
  afterAll(async () => {
    redis.resume();
    await context?.close();
    await redis.kill();
  });

  /** Waits (at most 5 s) until the limiter reaches the restarted Redis, so the next test starts on a working one. */
  async function limiterAnswers() {
    const started = performance.now();
    for (;;) {
      try {
        await ctx().services.deps.limiter.peek({ name: 'probe', burst: 1, refillEveryMs: 1000 }, 'probe');
        return;
      } catch (err) {
        if (performance.now() - started > 5000) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  /** An enrolled user at the second step with a code already sent (so the exchange can be tried), and a second user not enrolled yet. */
  async function scene() {
    // A Redis restarted by the test before is up, but the client may still be in its reconnect backoff: the scene is
    // set up once the limiter answers again (a faster request path reached it first and was answered 503).
    const started = performance.now();
    for (;;) {
      try {
        await ctx().limiter.peek(PHONE_LIMITS.wrongCodes, 'scene-probe');
        break;
      } catch (err) {
        if (performance.now() - started > 5000) throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    await enablePhoneFactor(ctx());
    const enrolled = await mfaActors(ctx());
    await enrollPhone(ctx(), enrolled);
    const mfaToken = await passwordForMfaToken(ctx(), enrolled);
    const sent = await challenge(ctx(), enrolled.clientAuth, mfaToken);
    expect(sent.statusCode).toBe(200);
    const oobCode = sent.json().oob_code as string;
    const code = await latestCode(ctx(), US_MOBILE);
    const newcomer = await mfaActors(ctx());
    const newcomerToken = await passwordForMfaToken(ctx(), newcomer);
    return { enrolled, mfaToken, oobCode, code, newcomer, newcomerToken };
  }

  it('killed: challenge, associate and the mfa-oob grant answer 503 in under a second, nothing half-written, an event names Redis; it recovers by itself', async () => {
    const s = await scene();
    const before = { enrolled: await mfaState(ctx(), s.enrolled.user.user_id), newcomer: await mfaState(ctx(), s.newcomer.user.user_id) };
    const since = await logMark(ctx());
    await redis.kill();

    expectUnavailable(await timed(() => challenge(ctx(), s.enrolled.clientAuth, s.mfaToken)));
    expectUnavailable(await timed(() => associate(ctx(), s.newcomerToken)));
    expectUnavailable(await timed(() => oobExchange(ctx(), s.enrolled.clientAuth, s.mfaToken, s.oobCode, s.code)));

    // No challenge added or consumed, no pending authenticator, no transaction completed, nothing sent.
    expect(await mfaState(ctx(), s.enrolled.user.user_id)).toEqual(before.enrolled);
    expect(await mfaState(ctx(), s.newcomer.user.user_id)).toEqual(before.newcomer);
    expect((await challengeOf(ctx(), s.oobCode))?.consumed_at).toBeNull();
    // Challenge and exchange authenticate their client first, and its failure buckets are in Redis: both stop there
    // (fail closed, no secret checked). Associate (an mfa_token, no client secret) stops at the send bucket.
    expect(await since()).toEqual(['feoobft', 'gd_start_enroll', 'gd_send_sms_failure', 'feoobft']);
    const { logs } = await ctx().services.events.list(ctx().tenant.id, { types: ['gd_send_sms_failure', 'feoobft'] }, { offset: 0, limit: 3, order: 'desc' }, false);
    const clientId = s.enrolled.clientAuth.client_id;
    expect(logs.map((l) => ({ type: l.type, description: l.description, user: l.user_id, client: l.client_id }))).toEqual([
      { type: 'feoobft', description: OUTAGE, user: undefined, client: clientId },
      { type: 'gd_send_sms_failure', description: OUTAGE, user: s.newcomer.user.user_id, client: undefined },
      { type: 'feoobft', description: OUTAGE, user: undefined, client: clientId },
    ]);
    expect(logs[0]!.details).toEqual({ reason: 'limiter_unavailable' });
    expect(logs[1]!.details).toMatchObject({ provider_error: { errorCode: 'limiter_unavailable', message: OUTAGE } });

    await redis.restart();
    const started = performance.now();
    let exchange: LightMyRequestResponse | undefined;
    while (performance.now() - started < 5000) {
      exchange = await oobExchange(ctx(), s.enrolled.clientAuth, s.mfaToken, s.oobCode, s.code);
      if (exchange.statusCode !== 503) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    // The code sent before the outage is still good: the failed attempt consumed nothing.
    expect(exchange?.statusCode).toBe(200);
    expect(performance.now() - started).toBeLessThan(5000);
    expect((await associate(ctx(), s.newcomerToken)).statusCode).toBe(200);
  });

  it('killed: the login page (whose failed-login counter is in Redis) answers its 503 page, lets no password through, and logs f naming Redis', async () => {
    const client = await passwordClient(ctx());
    const user = await createUser(ctx());
    const form = await openLoginForm(ctx(), client, 'ja');
    const since = await logMark(ctx());
    await redis.kill();
    try {
      for (const password of [PASSWORD, 'not the password']) {
        const started = performance.now();
        const page = await submitLoginFrom(ctx(), form, user.email, password);
        expect(performance.now() - started).toBeLessThan(1000);
        expect(page.statusCode).toBe(503);
        expect(page.headers.location).toBeUndefined();
        expect(page.body).toContain('<html lang="ja">');
        expect(page.body).toContain('サービスが一時的に利用できません');
      }
      const { logs } = await ctx().services.events.list(ctx().tenant.id, { types: ['f'] }, { offset: 0, limit: 2, order: 'desc' }, false);
      expect(logs.map((l) => ({ type: l.type, description: l.description, user_name: l.user_name, client_id: l.client_id }))).toEqual([
        { type: 'f', description: OUTAGE, user_name: user.email, client_id: client.client_id },
        { type: 'f', description: OUTAGE, user_name: user.email, client_id: client.client_id },
      ]);
      // Suspicious IP throttling reads the address's bucket (in Redis) before any password is checked: both attempts
      // fail closed there, so the wrong password is not even compared (no `fp`).
      expect(await since()).toEqual(['f', 'f']);
    } finally {
      await redis.restart();
      await limiterAnswers();
    }
  });

  it('frozen (connections open, no answers): 503 within the command timeout, and answers again when it thaws', async () => {
    const s = await scene();
    const before = await mfaState(ctx(), s.newcomer.user.user_id);
    redis.pause();
    try {
      expectUnavailable(await timed(() => associate(ctx(), s.newcomerToken)));
      expectUnavailable(await timed(() => oobExchange(ctx(), s.enrolled.clientAuth, s.mfaToken, s.oobCode, s.code)));
      expect(await mfaState(ctx(), s.newcomer.user.user_id)).toEqual(before);
    } finally {
      redis.resume();
    }
    expect((await oobExchange(ctx(), s.enrolled.clientAuth, s.mfaToken, s.oobCode, s.code)).statusCode).toBe(200);
  });
});
