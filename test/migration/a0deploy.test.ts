/**
 * docs/migrating-from-auth0.md step 2: Auth0's deploy CLI (`a0deploy`, auth0-deploy-cli 8.44 on the auth0 SDK v6)
 * pointed at a real Guardline over HTTPS. The fixture is the phone-factor part of an Auth0 tenant as a0deploy
 * writes it; importing it and exporting again gives the same file back, and the tenant then challenges by phone.
 * The resource types are the ones Guardline round-trips today (AUTH0_INCLUDED_ONLY): see deploy-cli.md.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, curlJson, freePort, startGuardline, type GuardlineProcess } from '../support/cli.js';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;
const A0DEPLOY = join(ROOT, 'node_modules/.bin/a0deploy');
const FIXTURE = new URL('./fixtures/auth0-tenant/tenant.yaml', import.meta.url);
/** A populated tenant as a0deploy writes it (every resource type; the host is a keyword, the secrets masked). */
const WHOLE_TENANT = new URL('./fixtures/auth0-tenant/whole/', import.meta.url).pathname;
export const GUARDIAN_RESOURCES = [
  'guardianFactors',
  'guardianFactorProviders',
  'guardianFactorTemplates',
  'guardianPhoneFactorMessageTypes',
  'guardianPhoneFactorSelectedProvider',
  'guardianPolicies',
];

/** A Guardline over HTTPS in `dir` (a throwaway certificate for localhost: a0deploy always speaks https). */
async function startHttpsGuardline(dir: string, clientId: string, clientSecret: string): Promise<{ server: GuardlineProcess; host: string }> {
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost']);
  const port = await freePort();
  const host = `localhost:${port}`;
  const server = await startGuardline(
    cliEnv({
      GUARDLINE_DATA_DIR: join(dir, 'data'),
      GUARDLINE_PORT: String(port),
      GUARDLINE_TLS_CERT: join(dir, 'cert.pem'),
      GUARDLINE_TLS_KEY: join(dir, 'key.pem'),
      GUARDLINE_PUBLIC_URL: `https://${host}`,
      GUARDLINE_BOOTSTRAP_CLIENT_ID: clientId,
      GUARDLINE_BOOTSTRAP_CLIENT_SECRET: clientSecret,
    }),
  );
  return { server, host };
}

/** `a0deploy <args>` with `dir`'s config.json, trusting `dir`'s certificate; its output. */
async function a0deployIn(dir: string, args: string[]): Promise<string> {
  const { stdout, stderr } = await run(process.execPath, [A0DEPLOY, ...args, '-c', join(dir, 'config.json')], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir, NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem') }, timeout: 180_000 });
  return stdout + stderr;
}

describe('a0deploy import → export against Guardline (real process, HTTPS)', () => {
  let dir: string;
  let server: GuardlineProcess;
  let host: string;
  const clientId = 'a0deploy-ci-client-000001';
  const clientSecret = 'a0deploy-ci-secret-'.padEnd(48, 'z');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gl-a0deploy-'));
    ({ server, host } = await startHttpsGuardline(dir, clientId, clientSecret));
    await writeFile(
      join(dir, 'config.json'),
      JSON.stringify({ AUTH0_DOMAIN: `${host}`, AUTH0_CLIENT_ID: clientId, AUTH0_CLIENT_SECRET: clientSecret, AUTH0_ALLOW_DELETE: false, AUTH0_INCLUDED_ONLY: GUARDIAN_RESOURCES }),
    );
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const a0deploy = (args: string[]) => a0deployIn(dir, args);

  it('imports an Auth0 tenant’s phone factor configuration and exports the same file back', async () => {
    expect(await a0deploy(['import', '-i', new URL(FIXTURE).pathname])).toContain('Import Successful');

    expect(await a0deploy(['export', '-f', 'yaml', '-o', join(dir, 'out')])).toContain('Export Successful');
    expect(await readFile(join(dir, 'out/tenant.yaml'), 'utf8')).toBe(await readFile(FIXTURE, 'utf8'));

    // What arrived, read back through the Management API the way any client would.
    const token = await curlJson([`https://${host}/oauth/token`, '-H', 'content-type: application/json', '-d', JSON.stringify({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, audience: `https://${host}/api/v2/` })]);
    const auth = ['-H', `authorization: Bearer ${token.body.access_token}`];
    const factors = await curlJson([`https://${host}/api/v2/guardian/factors`, ...auth]);
    expect(factors.body).toEqual(expect.arrayContaining([{ name: 'sms', enabled: true, trial_expired: false }, { name: 'recovery-code', enabled: true, trial_expired: false }]));
    expect((await curlJson([`https://${host}/api/v2/guardian/factors/phone/message-types`, ...auth])).body).toEqual({ message_types: ['sms', 'voice'] });
    expect((await curlJson([`https://${host}/api/v2/guardian/policies`, ...auth])).body).toEqual(['all-applications']);
  }, 240_000);
});

describe('a0deploy: a whole tenant, every resource type (real process, HTTPS)', () => {
  let dir: string;
  let server: GuardlineProcess;
  let host: string;
  const clientId = 'a0deploy-ci-client-000002';
  const clientSecret = 'a0deploy-ci-secret-'.padEnd(48, 'y');
  const secrets = { TWILIO_AUTH_TOKEN: 'twilio-secret-token-000000000000', LOGSTREAMS_HTTP_SECRET: 'Bearer siem-token' };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gl-a0deploy-whole-'));
    ({ server, host } = await startHttpsGuardline(dir, clientId, clientSecret));
    // No AUTH0_INCLUDED_ONLY: every resource type a0deploy knows, as a team would run it.
    await writeFile(
      join(dir, 'config.json'),
      JSON.stringify({ AUTH0_DOMAIN: host, AUTH0_CLIENT_ID: clientId, AUTH0_CLIENT_SECRET: clientSecret, AUTH0_ALLOW_DELETE: false, AUTH0_KEYWORD_REPLACE_MAPPINGS: { GUARDLINE_HOST: host, ...secrets } }),
    );
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const a0deploy = (args: string[]) => a0deployIn(dir, args);
  /** The exported tenant with this run's host put back as the fixture's keyword. */
  const exported = async (out: string) => ({
    tenant: (await readFile(join(out, 'tenant.yaml'), 'utf8')).replaceAll(host, '##GUARDLINE_HOST##'),
    action: await readFile(join(out, 'actions/sms-gateway/code.js'), 'utf8'),
  });
  const fixture = async () => ({ tenant: await readFile(join(WHOLE_TENANT, 'tenant.yaml'), 'utf8'), action: await readFile(join(WHOLE_TENANT, 'actions/sms-gateway/code.js'), 'utf8') });

  it('imports a populated tenant into a fresh Guardline, exports it unchanged, and a re-import changes nothing', async () => {
    expect(await a0deploy(['import', '-i', join(WHOLE_TENANT, 'tenant.yaml')])).toContain('Import Successful');

    const first = await a0deploy(['export', '-f', 'yaml', '-o', join(dir, 'out1')]);
    expect(first).toContain('Export Successful');
    // Features Guardline lacks were skipped the way a0deploy skips them on an Auth0 tenant without them.
    expect(first).toContain('Bot detection is not available');
    expect(await exported(join(dir, 'out1'))).toEqual(await fixture());

    expect(await a0deploy(['import', '-i', join(dir, 'out1/tenant.yaml')])).toContain('Import Successful');
    expect(await a0deploy(['export', '-f', 'yaml', '-o', join(dir, 'out2')])).toContain('Export Successful');
    expect(await exported(join(dir, 'out2'))).toEqual(await fixture());

    // What arrived, read through the Management API as any client would.
    const token = await curlJson([`https://${host}/oauth/token`, '-H', 'content-type: application/json', '-d', JSON.stringify({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, audience: `https://${host}/api/v2/` })]);
    const get = async (path: string) => (await curlJson([`https://${host}/api/v2${path}`, '-H', `authorization: Bearer ${token.body.access_token}`])).body;
    const clients = (await get('/clients?fields=client_id,name&is_global=false')) as Array<{ client_id: string; name: string }>;
    expect(clients.map((c) => c.name).sort()).toEqual(['Acme Backend', 'Acme Web', 'Guardline Management (machine-to-machine)']);
    const backend = clients.find((c) => c.name === 'Acme Backend')!;
    expect(await get(`/client-grants?client_id=${backend.client_id}`)).toEqual([expect.objectContaining({ audience: `https://${host}/api/v2/`, scope: ['read:users', 'update:users'] })]);
    expect(await get('/guardian/factors/phone/selected-provider')).toEqual({ provider: 'twilio' });
    expect(await get('/prompts/mfa-sms/custom-text/ja')).toEqual({ 'mfa-sms-challenge': { title: '本人確認' } });
    expect(await get('/custom-domains')).toEqual([expect.objectContaining({ domain: 'login.acme.test', type: 'self_managed_certs', status: 'ready' })]);
    expect(await get('/actions/triggers/send-phone-message/bindings')).toMatchObject({ bindings: [{ display_name: 'sms-gateway' }] });
    // The masked secrets were given back by keyword, and are kept, not echoed.
    expect(JSON.stringify(await get('/log-streams'))).not.toContain('siem-token');
  }, 600_000);
});
