import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { GRANT_TYPES } from '../../src/domain/grant-types.js';
import { cliEnv, freePort, runGuardline, startGuardline, type GuardlineProcess } from '../support/cli.js';
import { TEST_POSTGRES_URL, TEST_REDIS_URL } from '../support/services.js';

/**
 * A fleet of two: two real `guardline start` processes on one PostgreSQL schema and one Redis share the phone
 * factor's limits. Everything goes over HTTP the way an operator and an application would: Management API to
 * configure, password grant, /mfa/associate, /mfa/challenge and mfa-oob against either node.
 */

const PASSWORD = 'correct horse battery staple';
const PHONE = '+14155552671';
const ADMIN = { id: 'fleet-admin-client', secret: 'fleet-admin-secret-0123456789abcdef' };

type Reply = { status: number; body: any };

async function call(port: number, method: string, path: string, options: { json?: unknown; form?: Record<string, string>; bearer?: string } = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  let body: string | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  }
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

describe('phone limits across two Guardline processes (PostgreSQL + Redis)', () => {
  const schema = `gl_fleet_${randomBytes(4).toString('hex')}`;
  const processes: GuardlineProcess[] = [];
  let tenantId: string | undefined;

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    if (tenantId) {
      // the processes use the default key prefix: remove this tenant's buckets
      const redis = new Redis(TEST_REDIS_URL);
      try {
        const keys: string[] = [];
        let cursor = '0';
        do {
          const [next, found] = await redis.scan(cursor, 'MATCH', `guardline:limit:*:${tenantId}:*`, 'COUNT', 1000);
          cursor = next;
          keys.push(...found);
        } while (cursor !== '0');
        if (keys.length > 0) await redis.del(...keys);
      } finally {
        redis.disconnect();
      }
    }
    const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  // three child processes start under tsx: more time than the suite's default, never a speed check
  it('sends and wrong codes are counted once for the fleet: exactly 10 of each, whichever node is asked', { timeout: 180_000 }, async () => {
    const db = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await db.connect();
    try {
      await db.query(`CREATE SCHEMA "${schema}"`);
      const url = new URL(TEST_POSTGRES_URL);
      url.searchParams.set('options', `-c search_path=${schema}`);
      const publicPort = await freePort();
      const shared = {
        GUARDLINE_DATABASE_URL: url.toString(),
        GUARDLINE_REDIS_URL: TEST_REDIS_URL,
        GUARDLINE_SECRET_KEY: randomBytes(32).toString('hex'),
        // one public URL for the fleet (as behind a load balancer): same issuer and audiences on both nodes
        GUARDLINE_PUBLIC_URL: `http://localhost:${publicPort}`,
        GUARDLINE_BOOTSTRAP_CLIENT_ID: ADMIN.id,
        GUARDLINE_BOOTSTRAP_CLIENT_SECRET: ADMIN.secret,
      };
      const migrated = await runGuardline(['migrate'], cliEnv(shared));
      expect(migrated.code, migrated.stderr).toBe(0);
      const ports = [await freePort(), await freePort()] as const;
      // one after the other: the first creates the tenant and the administrative application, the second finds them
      for (const port of ports) processes.push(await startGuardline(cliEnv({ ...shared, GUARDLINE_PORT: String(port) })));
      const [a, b] = ports;
      const node = (i: number) => ports[i % 2]!;
      await db.query(`SET search_path TO "${schema}"`);
      tenantId = (await db.query<{ id: string }>('SELECT id FROM tenants')).rows[0]!.id;

      // the operator configures the phone factor through the Management API, on either node
      const admin = await call(a, 'POST', '/oauth/token', {
        form: { grant_type: 'client_credentials', client_id: ADMIN.id, client_secret: ADMIN.secret, audience: `http://localhost:${publicPort}/api/v2/` },
      });
      expect(admin.status).toBe(200);
      const management = admin.body.access_token as string;
      expect((await call(b, 'PUT', '/api/v2/guardian/factors/sms', { json: { enabled: true }, bearer: management })).status).toBe(200);
      expect((await call(a, 'PUT', '/api/v2/guardian/policies', { json: ['all-applications'], bearer: management })).body).toEqual(['all-applications']);
      const app = await call(a, 'POST', '/api/v2/clients', {
        json: { name: 'Fleet App', app_type: 'regular_web', grant_types: ['password', GRANT_TYPES.mfaOob] },
        bearer: management,
      });
      expect(app.status).toBe(201);
      const clientAuth = { client_id: app.body.client_id as string, client_secret: app.body.client_secret as string };
      const email = `fleet-${randomBytes(3).toString('hex')}@example.com`;
      const user = await call(b, 'POST', '/api/v2/users', { json: { connection: 'Username-Password-Authentication', email, password: PASSWORD }, bearer: management });
      expect(user.status).toBe(201);

      const mfaToken = async (port: number) => {
        const response = await call(port, 'POST', '/oauth/token', { form: { grant_type: 'password', ...clientAuth, username: email, password: PASSWORD } });
        expect(response.body.error).toBe('mfa_required');
        return response.body.mfa_token as string;
      };
      const latestCode = async () => {
        const { rows } = await db.query<{ body: string }>('SELECT body FROM dev_inbox_messages WHERE recipient = $1 ORDER BY created_at DESC, id DESC LIMIT 1', [PHONE]);
        return /\b\d{6}\b/.exec(rows[0]!.body)![0];
      };
      const exchange = (port: number, token: string, oobCode: string, bindingCode: string) =>
        call(port, 'POST', '/oauth/token', { form: { grant_type: GRANT_TYPES.mfaOob, ...clientAuth, mfa_token: token, oob_code: oobCode, binding_code: bindingCode } });
      const challenge = (port: number, token: string) => call(port, 'POST', '/mfa/challenge', { json: { ...clientAuth, challenge_type: 'oob', mfa_token: token } });

      // send 1: enroll on B, confirm on A
      const enrollToken = await mfaToken(a);
      const associate = await call(b, 'POST', '/mfa/associate', { json: { authenticator_types: ['oob'], oob_channels: ['sms'], phone_number: PHONE }, bearer: enrollToken });
      expect(associate.status).toBe(200);
      expect((await exchange(a, enrollToken, associate.body.oob_code, await latestCode())).status).toBe(200);

      // send 2: a challenge on A; then 10 wrong codes alternating between the nodes, the 11th (right) refused
      const login = await mfaToken(b);
      const first = await challenge(a, login);
      expect(first.status).toBe(200);
      const code = await latestCode();
      const wrong = code === '000000' ? '111111' : '000000';
      for (let i = 0; i < 10; i++) {
        const response = await exchange(node(i), login, first.body.oob_code, wrong);
        expect(response.body).toEqual({ error: 'invalid_grant', error_description: 'Invalid binding_code.' });
      }
      for (const port of ports) {
        const refused = await exchange(port, login, first.body.oob_code, code);
        expect(refused.status).toBe(429);
        expect(refused.body).toEqual({ error: 'invalid_request', error_description: 'Too many failed codes. Wait for some minutes before retrying.' });
      }

      // sends 3–6 alternating, then 20 at once on both nodes: exactly 4 more get through
      for (let i = 0; i < 4; i++) expect((await challenge(node(i), login)).status).toBe(200);
      const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => challenge(node(i), login)));
      expect(burst.filter((r) => r.status === 200)).toHaveLength(4);
      const refused = burst.filter((r) => r.status === 429);
      expect(refused).toHaveLength(16);
      for (const r of refused) expect(r.body).toEqual({ error: 'invalid_request', error_description: 'Too many SMS sent by the user. Wait for some minutes before retrying.' });
      for (const port of [a, b]) expect((await challenge(port, login)).status).toBe(429);

      const count = async (sql: string, params: unknown[] = []) => Number((await db.query<{ n: string }>(sql, params)).rows[0]!.n);
      expect(await count('SELECT count(*) AS n FROM dev_inbox_messages WHERE recipient = $1', [PHONE])).toBe(10);
      expect(await count(`SELECT count(*) AS n FROM logs WHERE type = 'gd_send_sms'`)).toBe(10);
      expect(await count(`SELECT count(*) AS n FROM logs WHERE type = 'limit_phone'`)).toBe(18);
      expect(await count(`SELECT count(*) AS n FROM logs WHERE type = 'gd_auth_failed'`)).toBe(10);
      expect(await count(`SELECT count(*) AS n FROM logs WHERE type = 'gd_otp_rate_limit_exceed'`)).toBe(2);
    } finally {
      await db.end();
    }
  });
});
