import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runGuardline } from '../support/cli.js';

// `guardline users import|export` as an operator runs them: a real process on an embedded database.
describe('guardline users import and export (real process)', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gl-users-cli-'));
    env = cliEnv({ GUARDLINE_DATA_DIR: join(dir, 'data') });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('imports with a progress bar and a summary naming each refused row, then exports what it imported', async () => {
    const hash = bcrypt.hashSync('Cli-pass-2024', 4);
    const users = [
      { email: 'cli-a@example.com', user_id: 'cli-a', password_hash: hash, mfa_factors: [{ phone: { value: '+819012345678' } }] },
      { email: 'cli-b@example.com', name: 'B' },
      { email: 'broken' },
    ];
    await writeFile(join(dir, 'users.json'), JSON.stringify(users));
    expect((await runGuardline(['tenant', 'create', 'migrated'], env)).code).toBe(0);
    const imported = await runGuardline(['users', 'import', join(dir, 'users.json'), '--connection', 'Username-Password-Authentication', '--tenant', 'migrated'], env);
    expect(imported.stdout).toContain('completed: 2 inserted, 0 updated, 1 failed of 3.');
    expect(imported.stdout).toContain('broken: INVALID_FORMAT email:');
    expect(imported.stderr).toContain('[##############################] 3/3');
    expect(imported.code).toBe(1);

    const again = await runGuardline(['users', 'import', join(dir, 'users.json'), '--connection', 'Username-Password-Authentication', '--upsert', '--tenant', 'migrated'], env);
    expect(again.stdout).toContain('completed: 0 inserted, 2 updated, 1 failed of 3.');

    const exported = await runGuardline(['users', 'export', '--out', join(dir, 'out.json'), '--fields', 'user_id,email,mfa_factors', '--tenant', 'migrated'], env);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain('Exported 2 users');
    const lines = (await readFile(join(dir, 'out.json'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toContainEqual({ user_id: 'auth0|cli-a', email: 'cli-a@example.com', mfa_factors: [{ phone: { value: 'XXXXXXXX5678' } }] });

    const usage = await runGuardline(['users', 'import', '--connection', 'x'], env);
    expect(usage.code).toBe(2);
  });
});
