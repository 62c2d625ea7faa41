import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, curlJson, freePort, startGuardline, type GuardlineProcess } from '../support/cli.js';

/**
 * The README's phone MFA walk-through on a real `guardline start` (embedded mode, built-in provider, dev inbox),
 * every call made with curl the way Auth0's docs show them.
 */
describe('phone MFA walk-through (real process, curl)', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'guardline-phone-mfa-'));
  let server: GuardlineProcess;
  let base: string;
  let audience: string;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    audience = `http://localhost:${port}/api/v2/`;
    server = await startGuardline(cliEnv({ GUARDLINE_DATA_DIR: dataDir, GUARDLINE_PORT: String(port), GUARDLINE_LOG_LEVEL: 'info' }));
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const json = (body: unknown) => ['-H', 'content-type: application/json', '-d', JSON.stringify(body)];

  it('configures the factor, enrolls a phone by SMS with the code from the dev inbox, and gets tokens', async () => {
    const admin = await curlJson([`${base}/oauth/token`, ...json({ grant_type: 'client_credentials', client_id: server.field('client_id'), client_secret: server.field('client_secret'), audience })]);
    expect(admin.status).toBe(200);
    const auth = ['-H', `authorization: Bearer ${admin.body.access_token}`];
    const api = `${base}/api/v2`;

    expect((await curlJson(['-X', 'PUT', `${api}/guardian/factors/sms`, ...auth, ...json({ enabled: true })])).body).toEqual({ enabled: true });
    expect((await curlJson(['-X', 'PUT', `${api}/guardian/policies`, ...auth, ...json(['all-applications'])])).body).toEqual(['all-applications']);
    const app = await curlJson([`${api}/clients`, ...auth, ...json({ name: 'My app', app_type: 'regular_web', grant_types: ['password', 'http://auth0.com/oauth/grant-type/mfa-oob'] })]);
    expect(app.status).toBe(201);
    const user = await curlJson([`${api}/users`, ...auth, ...json({ connection: 'Username-Password-Authentication', email: 'hana@example.com', password: 'correct horse battery' })]);
    expect(user.status).toBe(201);

    const clientAuth = ['-d', `client_id=${app.body.client_id}`, '-d', `client_secret=${app.body.client_secret}`];
    const password = await curlJson([`${base}/oauth/token`, '-d', 'grant_type=password', ...clientAuth, '-d', 'username=hana@example.com', '-d', 'password=correct horse battery', '-d', 'scope=openid']);
    expect(password.status).toBe(403);
    expect(password.body.error).toBe('mfa_required');
    const mfaAuth = ['-H', `authorization: Bearer ${password.body.mfa_token}`];

    const associate = await curlJson([`${base}/mfa/associate`, ...mfaAuth, ...json({ authenticator_types: ['oob'], oob_channels: ['sms'], phone_number: '+14155552671' })]);
    expect(associate.status).toBe(200);
    expect(associate.body).toMatchObject({ authenticator_type: 'oob', binding_method: 'prompt', oob_channel: 'sms' });

    const inbox = await curlJson([`${api}/guardian/factors/phone/dev-inbox`, ...auth]);
    expect(inbox.status).toBe(200);
    const [message] = inbox.body.messages as Array<{ to: string; body: string }>;
    expect(message!.to).toBe('+14155552671');
    const code = /\d{6}/.exec(message!.body)![0];

    const tokens = await curlJson([
      `${base}/oauth/token`,
      '-d',
      'grant_type=http://auth0.com/oauth/grant-type/mfa-oob',
      ...clientAuth,
      '-d',
      `mfa_token=${password.body.mfa_token}`,
      '-d',
      `oob_code=${associate.body.oob_code}`,
      '-d',
      `binding_code=${code}`,
    ]);
    expect(tokens.status).toBe(200);
    expect(tokens.body).toMatchObject({ token_type: 'Bearer', scope: 'openid', id_token: expect.any(String) });

    // the server's own log lines never carry the code or the full number
    expect(server.output()).not.toContain(code);
    expect(server.output()).not.toContain('4155552671');
  });
});
