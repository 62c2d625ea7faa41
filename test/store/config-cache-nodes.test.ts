import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeProtectedHeader } from 'jose';
import { sql } from 'kysely';
import { ManualClock } from '../../src/domain/clock.js';
import { GRANT_TYPES } from '../../src/domain/grant-types.js';
import { createClient, createUser, tokenRequest } from '../auth/helpers.js';
import { challenge, enablePhoneFactor, enrollPhone, passwordForMfaToken } from '../mfa/support.js';
import type { TestContext } from '../support/harness.js';
import { managementToken } from '../support/harness.js';
import { postgresAndRedis, sqliteFile, startNode, type SharedStorage } from '../support/nodes.js';

/**
 * The configuration cache holds across nodes: node A serves a tenant's keys, factors, settings and clients from its
 * process memory, node B (or plain SQL) changes them, and A's very next request sees the change — a disabled
 * factor, a revoked key, a deleted client or a changed secret never gets through on a node that cached them.
 * Every write goes through B (its own services, its own cache); A is only ever asked.
 */
const STORAGES = [
  { label: 'PostgreSQL + Redis', storage: postgresAndRedis },
  { label: 'one SQLite file', storage: sqliteFile },
] as const;

describe.each(STORAGES)('the configuration cache across two nodes ($label)', ({ storage: makeStorage }) => {
  const clock = new ManualClock('2026-06-01T10:00:00.000Z');
  let storage: SharedStorage;
  let a: TestContext;
  let b: TestContext;

  beforeAll(async () => {
    storage = makeStorage(clock);
    a = await startNode(storage);
    b = await startNode(storage);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await storage?.dispose();
  });

  /** The tenant as a request on `node` would resolve it now (with the current config version). */
  const fresh = async (node: TestContext) => (await node.services.tenants.findByName(node.tenant.name))!;
  const mfaClient = (node: TestContext) => createClient(node, { grant_types: ['password', GRANT_TYPES.mfaOob, GRANT_TYPES.mfaRecoveryCode] });

  it('turning the phone factor off on B: A stops asking for MFA at once, and answers the challenge of a pending login as disabled', async () => {
    await enablePhoneFactor(b);
    const client = await mfaClient(b);
    const user = await createUser(b);
    const actors = { client, user, clientAuth: { client_id: client.client_id, client_secret: client.client_secret! } };
    await enrollPhone(a, actors);
    const pending = await passwordForMfaToken(a, actors); // A has cached factors and settings
    expect((await challenge(a, actors.clientAuth, pending)).statusCode).toBe(200);

    await b.services.guardian.setFactor(await fresh(b), 'sms', false, {});
    const login = await tokenRequest(a, { grant_type: 'password', ...actors.clientAuth, username: user.email, password: 'correct horse battery staple' });
    expect(login.statusCode).toBe(200); // no second factor left to ask for
    const refused = await challenge(a, actors.clientAuth, pending);
    expect(refused.statusCode).not.toBe(200);
    await b.services.guardian.setFactor(await fresh(b), 'sms', true, {});
    expect((await tokenRequest(a, { grant_type: 'password', ...actors.clientAuth, username: user.email, password: 'correct horse battery staple' })).statusCode).toBe(403);
  });

  it('a key rotated and revoked on B: A signs with the new key and refuses tokens of the revoked one', async () => {
    const before = await managementToken(a);
    const read = (token: string) => a.app.inject({ method: 'GET', url: '/api/v2/keys/signing', headers: { host: a.tenant.domain, authorization: `Bearer ${token}` } });
    expect((await read(before)).statusCode).toBe(200); // A has cached the key's status
    const oldKid = decodeProtectedHeader(before).kid!;

    const tenant = await fresh(b);
    await b.services.signingKeys.rotate(tenant.id);
    const after = await managementToken(a);
    expect(decodeProtectedHeader(after).kid).not.toBe(oldKid);
    expect((await read(before)).statusCode).toBe(200); // a previous key still verifies, as in Auth0

    await b.services.signingKeys.revoke(tenant.id, oldKid);
    expect((await read(before)).statusCode).toBe(401);
    expect((await read(after)).statusCode).toBe(200);
  });

  it('a client secret rotated on B stops working on A at once, and a client deleted on B is unknown to A', async () => {
    const client = await createClient(b, { grant_types: ['client_credentials'] });
    const grant = (secret: string) => tokenRequest(a, { grant_type: 'client_credentials', client_id: client.client_id, client_secret: secret, audience: a.tenant.managementAudience });
    const authenticated = (status: number) => status !== 401; // with or without a grant for the audience
    expect(authenticated((await grant(client.client_secret!)).statusCode)).toBe(true); // A has cached the client

    const rotated = await b.services.clients.rotateSecret(await fresh(b), client.client_id);
    expect((await grant(client.client_secret!)).statusCode).toBe(401);
    expect(authenticated((await grant(rotated.client_secret!)).statusCode)).toBe(true);

    await b.services.clients.remove(await fresh(b), client.client_id);
    const gone = await grant(rotated.client_secret!);
    expect(gone.statusCode).toBe(401);
    expect(gone.json().error).toBe('invalid_client');
  });

  it('a change made in plain SQL (no Guardline process involved) is seen too: the triggers bump the version', async () => {
    const client = await mfaClient(b);
    const user = await createUser(b);
    const auth = { grant_type: 'password', client_id: client.client_id, client_secret: client.client_secret!, username: user.email, password: 'correct horse battery staple' };
    await enablePhoneFactor(b);
    expect((await tokenRequest(a, auth)).statusCode).toBe(403); // mfa_required, from A's cache
    await sql`update guardian_settings set mfa_policies = '[]' where tenant_id = ${a.tenant.id}`.execute(b.handle.db);
    expect((await tokenRequest(a, auth)).statusCode).toBe(200);
    // The built-in provider's counter is not configuration: counting a message leaves the version alone.
    const version = (await fresh(a)).configVersion;
    await sql`update guardian_settings set builtin_messages_sent = builtin_messages_sent + 1 where tenant_id = ${a.tenant.id}`.execute(b.handle.db);
    expect((await fresh(a)).configVersion).toBe(version);
  });
});
