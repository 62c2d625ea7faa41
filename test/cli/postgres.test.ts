import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, curlJson, freePort, runGuardline, startGuardline } from '../support/cli.js';
import { TEST_POSTGRES_URL } from '../support/services.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';

/** Production mode on PostgreSQL: `guardline migrate` first, then `guardline start` (which refuses to migrate). */
describe('PostgreSQL deployment (real process)', () => {
  const schema = `gl_cli_${randomBytes(4).toString('hex')}`;
  const url = new URL(TEST_POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  let env: NodeJS.ProcessEnv;
  let port: number;

  beforeAll(async () => {
    const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await client.connect();
    await client.query(`CREATE SCHEMA "${schema}"`);
    await client.end();
    port = await freePort();
    env = cliEnv({
      GUARDLINE_DATABASE_URL: url.toString(),
      GUARDLINE_SECRET_KEY: randomBytes(32).toString('hex'),
      GUARDLINE_PORT: String(port),
      GUARDLINE_BOOTSTRAP_CLIENT_ID: 'pg-admin-client',
      GUARDLINE_BOOTSTRAP_CLIENT_SECRET: 'pg-admin-secret-0123456789abcdef0123',
    });
  });
  afterAll(async () => {
    const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  it('refuses to start before `guardline migrate`, naming the command to run', async () => {
    const result = await runGuardline(['start'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`pending migration(s) (${Object.keys(MIGRATIONS).join(', ')}): run \`guardline migrate\` first`);
  });

  it('migrates, then starts and serves the Management API', async () => {
    const migrated = await runGuardline(['migrate'], env);
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(migrated.stdout).toContain('applied 0001_foundation');
    expect(migrated.stdout).toContain('applied 0002_phone_factor');
    for (const name of Object.keys(MIGRATIONS)) expect(migrated.stdout).toContain(`applied ${name}`);
    expect((await runGuardline(['migrate'], env)).stdout).toContain('The database is up to date.');

    const server = await startGuardline(env);
    try {
      expect(server.output()).toContain('database          PostgreSQL 127.0.0.1:5432');
      const issued = await curlJson([
        `http://127.0.0.1:${port}/oauth/token`,
        '-d', 'grant_type=client_credentials',
        '-d', 'client_id=pg-admin-client',
        '-d', 'client_secret=pg-admin-secret-0123456789abcdef0123',
        '--data-urlencode', `audience=http://localhost:${port}/api/v2/`,
      ]);
      expect(issued.status).toBe(200);
      const settings = await curlJson([`http://127.0.0.1:${port}/api/v2/connections`, '-H', `authorization: Bearer ${issued.body.access_token}`]);
      expect(settings.status).toBe(200);
      expect(JSON.stringify(settings.body)).toContain('Username-Password-Authentication');
    } finally {
      await server.stop();
    }
  });
});
