import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, curlJson, freePort, runGuardline, startGuardline, type GuardlineProcess } from '../support/cli.js';

/**
 * The README's promise, as a new user would meet it: `guardline start` on a fresh data directory, then the
 * documented curl calls. Runs the real CLI in a child process on the embedded database.
 */
describe('first run in embedded mode (real process, curl)', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'guardline-first-run-'));
  let port: number;
  let env: NodeJS.ProcessEnv;
  let server: GuardlineProcess;
  let base: string;
  let audience: string;

  beforeAll(async () => {
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    audience = `http://localhost:${port}/api/v2/`;
    env = cliEnv({ GUARDLINE_DATA_DIR: dataDir, GUARDLINE_PORT: String(port) });
    server = await startGuardline(env);
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const token = async (clientId: string, clientSecret: string, host?: string, aud = audience) => {
    const headers = ['-H', 'content-type: application/json', ...(host ? ['-H', `host: ${host}`] : [])];
    return curlJson([`${base}/oauth/token`, ...headers, '-d', JSON.stringify({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, audience: aud })]);
  };

  it('creates the data directory, a default tenant and prints admin credentials once', () => {
    expect(server.output()).toContain('default tenant    default (created now)');
    expect(server.field('client_id')).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(server.field('client_secret')).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(statSync(path.join(dataDir, 'guardline.db')).isFile()).toBe(true);
    expect(statSync(path.join(dataDir, 'secret.key')).mode & 0o777).toBe(0o600);
    // The secret is stored hashed: it appears nowhere in the database file.
    expect(readFileSync(path.join(dataDir, 'guardline.db')).includes(server.field('client_secret')!)).toBe(false);
  });

  let userId: string;
  it('with curl: a client_credentials token creates a user and reads /api/v2/logs', async () => {
    const issued = await token(server.field('client_id')!, server.field('client_secret')!);
    expect(issued.status).toBe(200);
    const auth = ['-H', `authorization: Bearer ${issued.body.access_token}`];
    const created = await curlJson([
      `${base}/api/v2/users`,
      ...auth,
      '-H',
      'content-type: application/json',
      '-d',
      JSON.stringify({ connection: 'Username-Password-Authentication', email: 'hana@example.com', password: 'correct horse battery' }),
    ]);
    expect(created.status).toBe(201);
    expect(created.body.email).toBe('hana@example.com');
    userId = created.body.user_id;

    const logs = await curlJson([`${base}/api/v2/logs`, ...auth]);
    expect(logs.status).toBe(200);
    const types = (logs.body as Array<{ type: string }>).map((l) => l.type);
    expect(types).toContain('seccft');
    expect(types).toContain('sapi');
    expect(JSON.stringify(logs.body)).not.toContain('correct horse battery');
  });

  it('with curl: a token without the scope gets 403 insufficient_scope', async () => {
    const made = await runGuardline(['client', 'create', '--name', 'log reader', '--type', 'non_interactive', '--management-scopes', 'read:logs'], env);
    expect(made.code, made.stderr).toBe(0);
    const id = /client_id\s+(\S+)/.exec(made.stdout)![1]!;
    const secret = /client_secret\s+(\S+)/.exec(made.stdout)![1]!;
    const issued = await token(id, secret);
    expect(issued.status).toBe(200);
    expect(issued.body.scope).toBe('read:logs');
    const denied = await curlJson([`${base}/api/v2/users/${encodeURIComponent(userId)}`, '-H', `authorization: Bearer ${issued.body.access_token}`]);
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: 'Insufficient scope, expected any of: read:users',
      errorCode: 'insufficient_scope',
    });
  });

  it('output into a closed pipe (`guardline … | head -0`) does not crash the command, and its work is done', async () => {
    const made = await runGuardline(['tenant', 'create', 'closed-pipe'], env, undefined, { closedStdout: true });
    expect(made.stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(made.code).toBe(0);
    const again = await runGuardline(['tenant', 'create', 'closed-pipe'], env);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('already exists');
  });

  it("with curl: tenant A's token is rejected on tenant B", async () => {
    const made = await runGuardline(['tenant', 'create', 'acme', '--friendly-name', 'Acme'], env);
    expect(made.code, made.stderr).toBe(0);
    const acmeHost = `acme.localhost:${port}`;
    const acmeId = /admin client_id\s+(\S+)/.exec(made.stdout)![1]!;
    const acmeSecret = /admin secret\s+(\S+)/.exec(made.stdout)![1]!;

    const defaultToken = (await token(server.field('client_id')!, server.field('client_secret')!)).body.access_token as string;
    const onAcme = await curlJson([`${base}/api/v2/logs`, '-H', `host: ${acmeHost}`, '-H', `authorization: Bearer ${defaultToken}`]);
    expect(onAcme.status).toBe(401);
    expect(onAcme.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', errorCode: 'invalid_token' });

    const acmeToken = await token(acmeId, acmeSecret, acmeHost, `http://${acmeHost}/api/v2/`);
    expect(acmeToken.status).toBe(200);
    const onDefault = await curlJson([`${base}/api/v2/logs`, '-H', `authorization: Bearer ${acmeToken.body.access_token}`]);
    expect(onDefault.status).toBe(401);
    const own = await curlJson([`${base}/api/v2/logs`, '-H', `host: ${acmeHost}`, '-H', `authorization: Bearer ${acmeToken.body.access_token}`]);
    expect(own.status).toBe(200);
    // The default tenant's user is not visible from acme.
    expect(JSON.stringify(own.body)).not.toContain('hana@example.com');
  });

  it('keeps its data across a restart and does not print credentials again', async () => {
    expect(await server.stop()).toBe(0);
    const firstId = server.field('client_id')!;
    const firstSecret = server.field('client_secret')!;
    server = await startGuardline(env);
    expect(server.output()).not.toContain('client_secret');
    expect(server.output()).toContain('default tenant    default\n');
    const issued = await token(firstId, firstSecret);
    expect(issued.status).toBe(200);
    const user = await curlJson([`${base}/api/v2/users/${encodeURIComponent(userId)}`, '-H', `authorization: Bearer ${issued.body.access_token}`]);
    expect(user.status).toBe(200);
    expect(user.body.email).toBe('hana@example.com');
  });
});

describe('start-up options', () => {
  it('GUARDLINE_BOOTSTRAP_CLIENT_ID/SECRET create the admin application with exactly those credentials', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'guardline-bootstrap-'));
    const port = await freePort();
    const server = await startGuardline(
      cliEnv({ GUARDLINE_DATA_DIR: dataDir, GUARDLINE_PORT: String(port), GUARDLINE_BOOTSTRAP_CLIENT_ID: 'ci-admin-client', GUARDLINE_BOOTSTRAP_CLIENT_SECRET: 'ci-admin-secret-0123456789abcdef0123' }),
    );
    try {
      expect(server.output()).toContain('ci-admin-client');
      expect(server.output()).not.toContain('ci-admin-secret-0123456789abcdef0123');
      const issued = await curlJson([
        `http://127.0.0.1:${port}/oauth/token`,
        '-d', 'grant_type=client_credentials',
        '-d', 'client_id=ci-admin-client',
        '-d', 'client_secret=ci-admin-secret-0123456789abcdef0123',
        '--data-urlencode', `audience=http://localhost:${port}/api/v2/`,
      ]);
      expect(issued.status).toBe(200);
      expect(issued.body.scope.split(' ')).toContain('read:logs');
      expect(issued.body.token_type).toBe('Bearer');
    } finally {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('listens on TLS when GUARDLINE_TLS_CERT and GUARDLINE_TLS_KEY are set', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'guardline-tls-'));
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
    const port = await freePort();
    const server = await startGuardline(cliEnv({ GUARDLINE_DATA_DIR: path.join(dir, 'data'), GUARDLINE_PORT: String(port), GUARDLINE_TLS_CERT: cert, GUARDLINE_TLS_KEY: key }));
    try {
      expect(server.output()).toContain(`https://127.0.0.1:${port}`);
      expect(server.output()).toContain(`https://localhost:${port}/api/v2/`);
      const answer = await curlJson(['--cacert', cert, `https://localhost:${port}/oauth/token`, '-d', 'grant_type=client_credentials']);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ error: 'invalid_request', error_description: 'Missing required parameter: client_id' });
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses bad configuration with one line per problem and exit code 3', async () => {
    const result = await runGuardline(['start'], cliEnv({ GUARDLINE_PORT: 'eighty', GUARDLINE_DATABASE_URL: 'mysql://x', GUARDLINE_TLS_CERT: '/x.pem' }));
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('GUARDLINE_PORT: "eighty" is not a port number');
    expect(result.stderr).toContain('GUARDLINE_DATABASE_URL: must start with postgres://, postgresql:// or sqlite:');
    expect(result.stderr).toContain('GUARDLINE_TLS_CERT and GUARDLINE_TLS_KEY must be set together');
  });

  it('refuses a short operator-chosen bootstrap secret at start-up (exit code 3) without creating anything', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'guardline-short-secret-'));
    try {
      const result = await runGuardline(
        ['start'],
        cliEnv({ GUARDLINE_DATA_DIR: dataDir, GUARDLINE_BOOTSTRAP_CLIENT_ID: 'ci-admin-client', GUARDLINE_BOOTSTRAP_CLIENT_SECRET: 'short-secret-0123456789' }),
      );
      expect(result.code).toBe(3);
      expect(result.stderr).toContain('GUARDLINE_BOOTSTRAP_CLIENT_SECRET: must be 32–512 random characters');
      expect(result.stderr).not.toContain('short-secret-0123456789');
      expect(existsSync(path.join(dataDir, 'guardline.db'))).toBe(false);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('answers usage errors with exit code 2', async () => {
    const result = await runGuardline(['tenant', 'delete', 'x'], cliEnv({}));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command: tenant delete');
  });
});
