import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { createUser } from '../auth/helpers.js';
import { enablePhoneFactor } from '../mfa/support.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import {
  ATTACKER_IP,
  PASSWORD,
  TOO_MANY_ATTEMPTS,
  USER_IP,
  WRONG_CREDENTIALS,
  blockRows,
  configure,
  entriesFor,
  failLogins,
  passwordClient,
  passwordLogin,
  times,
} from './support.js';

/**
 * Brute-force protection on the password grant, as an attacker and the user meet it: `max_attempts` failures in a
 * row block the identifier (from the attacker's IP in the default mode, from every IP in count_per_identifier),
 * the right password is refused while blocked, and a block lasts 30 days. Time moves only by the test's clock.
 */

const DAY = 86_400_000;
const HOUR = 3_600_000;

describe.each(DIALECTS)('brute-force protection on the password grant (%s)', (dialect) => {
  const clock = new ManualClock('2026-04-01T08:00:00.000Z');
  const ctx = useTestContext(dialect, { clock });

  afterEach(async () => {
    vi.restoreAllMocks();
    await configure(ctx(), { enabled: true, mode: 'count_per_identifier_and_ip', shields: ['block', 'user_notification'], allowlist: [], max_attempts: 10 });
  });

  async function actors() {
    return { client: await passwordClient(ctx()), user: await createUser(ctx()) };
  }

  it('answers the first 9 wrong passwords as wrong, blocks at the 10th, and refuses the right password after it without checking it', async () => {
    const { client, user } = await actors();
    const nine = await failLogins(ctx(), client, user.email, 9);
    expect(nine).toEqual(times(9, 403));
    expect(await blockRows(ctx())).toHaveLength(0);
    expect(await entriesFor(ctx(), 'limit_wc', user.email)).toHaveLength(0);

    const tenth = await passwordLogin(ctx(), client, user.email, 'tenth wrong password');
    expect(tenth.statusCode).toBe(429);
    expect(tenth.json()).toEqual(TOO_MANY_ATTEMPTS);
    expect(tenth.headers['cache-control']).toBe('no-store');

    const [block, ...more] = await blockRows(ctx());
    expect(more).toHaveLength(0);
    expect(block).toMatchObject({
      identifier: user.email,
      ip: ATTACKER_IP,
      connection: 'Username-Password-Authentication',
      created_at: clock.now().toISOString(),
      expires_at: new Date(clock.now().getTime() + 30 * DAY).toISOString(),
    });
    const [blocked, ...otherEvents] = await entriesFor(ctx(), 'limit_wc', user.email);
    expect(otherEvents).toHaveLength(0);
    expect(blocked).toMatchObject({ type: 'limit_wc', description: 'Blocked account: 10 failed logins in a row', client_id: client.client_id, ip: ATTACKER_IP, connection: 'Username-Password-Authentication' });
    expect(blocked!.details).toEqual({
      identifier: user.email,
      ip: ATTACKER_IP,
      mode: 'count_per_identifier_and_ip',
      max_attempts: 10,
      shields: ['block', 'user_notification'],
      blocked: true,
      block: { ip: ATTACKER_IP, created_at: block!.created_at, expires_at: block!.expires_at },
      user_notification: 'not sent: Guardline has no e-mail or SMS channel for notifications',
    });
    expect(JSON.stringify(await entriesFor(ctx(), 'limit_wc', user.email))).not.toContain('wrong password');

    // the right password: refused, and no password check is spent on it
    const verify = vi.spyOn(ctx().services.users, 'verifyPassword');
    const right = await passwordLogin(ctx(), client, user.email, PASSWORD);
    expect(right.statusCode).toBe(429);
    expect(right.json()).toEqual(TOO_MANY_ATTEMPTS);
    expect(verify).not.toHaveBeenCalled();
    const [refused] = await entriesFor(ctx(), 'limit_wc', user.email);
    expect(refused).toMatchObject({ description: 'Login refused: the account is blocked after too many failed attempts', ip: ATTACKER_IP });
    expect(refused!.details).toEqual({ identifier: user.email, ip: ATTACKER_IP, mode: 'count_per_identifier_and_ip', max_attempts: 10, block: { ip: ATTACKER_IP, created_at: block!.created_at, expires_at: block!.expires_at } });
    const [exchange] = await entriesFor(ctx(), 'fepft', user.email);
    expect(exchange).toMatchObject({ description: TOO_MANY_ATTEMPTS.error_description });
    expect(await entriesFor(ctx(), 'sepft', user.email)).toHaveLength(0);
    expect((await ctx().services.users.get(ctx().tenant, user.user_id)).logins_count).toBe(0);
  });

  it('never lets mfa_required tell a blocked attacker that a guess was right', async () => {
    await enablePhoneFactor(ctx());
    try {
      const { client, user } = await actors();
      expect((await passwordLogin(ctx(), client, user.email, PASSWORD)).json().error).toBe('mfa_required');
      await failLogins(ctx(), client, user.email, 10);
      const right = await passwordLogin(ctx(), client, user.email, PASSWORD);
      expect(right.statusCode).toBe(429);
      expect(right.json()).toEqual(TOO_MANY_ATTEMPTS);
      expect(right.json().mfa_token).toBeUndefined();
    } finally {
      await ctx().services.guardian.setPolicies(ctx().tenant, [], {});
    }
  });

  it('in the default mode, the attacker from one IP does not lock the user out from another IP', async () => {
    const { client, user } = await actors();
    await failLogins(ctx(), client, user.email, 10, ATTACKER_IP);
    expect((await passwordLogin(ctx(), client, user.email, PASSWORD, ATTACKER_IP)).statusCode).toBe(429);
    const fromHome = await passwordLogin(ctx(), client, user.email, PASSWORD, USER_IP);
    expect(fromHome.statusCode).toBe(200);
    expect(fromHome.json().access_token).toEqual(expect.any(String));
    // and the user's own failures are counted apart from the attacker's
    expect(await failLogins(ctx(), client, user.email, 9, USER_IP)).toEqual(times(9, 403));
    expect((await passwordLogin(ctx(), client, user.email, PASSWORD, USER_IP)).statusCode).toBe(200);
  });

  it('an IPv4 client seen as ::ffff:a.b.c.d is the same client', async () => {
    const { client, user } = await actors();
    await failLogins(ctx(), client, user.email, 5, '192.0.2.10');
    await failLogins(ctx(), client, user.email, 5, '::ffff:192.0.2.10');
    expect((await passwordLogin(ctx(), client, user.email, PASSWORD, '192.0.2.10')).statusCode).toBe(429);
    expect((await blockRows(ctx())).filter((b) => b.identifier === user.email).map((b) => b.ip)).toEqual(['192.0.2.10']);
  });

  it('in count_per_identifier mode, failures from many IPs add up and the block holds from every IP', async () => {
    await configure(ctx(), { mode: 'count_per_identifier', max_attempts: 4 });
    const { client, user } = await actors();
    for (const ip of ['192.0.2.1', '192.0.2.2', '2001:db8::3']) expect(await failLogins(ctx(), client, user.email, 1, ip)).toEqual([403]);
    expect(await failLogins(ctx(), client, user.email, 1, '192.0.2.4')).toEqual([429]);
    const [block] = (await blockRows(ctx())).filter((b) => b.identifier === user.email);
    expect(block!.ip).toBe('');
    const [event] = await entriesFor(ctx(), 'limit_wc', user.email);
    expect(event!.details).toMatchObject({ mode: 'count_per_identifier', max_attempts: 4, block: { ip: 'every IP' } });
    for (const ip of [USER_IP, '2001:db8::99', '10.0.0.1']) {
      const response = await passwordLogin(ctx(), client, user.email, PASSWORD, ip);
      expect(response.statusCode).toBe(429);
      expect(response.json()).toEqual(TOO_MANY_ATTEMPTS);
    }
  });

  it('a block written in one mode still holds after the mode changes', async () => {
    const { client, user } = await actors();
    await configure(ctx(), { mode: 'count_per_identifier', max_attempts: 2 });
    await failLogins(ctx(), client, user.email, 2, '192.0.2.20');
    await configure(ctx(), { mode: 'count_per_identifier_and_ip' });
    expect((await passwordLogin(ctx(), client, user.email, PASSWORD, USER_IP)).statusCode).toBe(429);
  });

  it('counts unknown identifiers exactly like wrong passwords, so the answers never tell which users exist', async () => {
    const { client, user } = await actors();
    const ghost = `nobody-${user.email}`;
    const known = await failLogins(ctx(), client, user.email, 10);
    const unknown = await failLogins(ctx(), client, ghost, 10);
    expect(unknown).toEqual(known);
    expect(unknown).toEqual([...times(9, 403), 429]);
    const again = await passwordLogin(ctx(), client, ghost, PASSWORD);
    expect(again.json()).toEqual(TOO_MANY_ATTEMPTS);
    expect((await blockRows(ctx())).map((b) => b.identifier)).toEqual(expect.arrayContaining([user.email, ghost]));
    expect((await entriesFor(ctx(), 'fu', ghost)).length).toBe(10);
  });

  it('counts identifiers lower-cased: changing the case of an address does not reset the count', async () => {
    const { client, user } = await actors();
    const upper = user.email.toUpperCase();
    await failLogins(ctx(), client, upper, 5);
    await failLogins(ctx(), client, user.email, 4);
    expect(await failLogins(ctx(), client, `${user.email[0]!.toUpperCase()}${user.email.slice(1)}`, 1)).toEqual([429]);
    expect((await passwordLogin(ctx(), client, upper, PASSWORD)).statusCode).toBe(429);
  });

  it('a successful login ends the run: the count starts again from zero', async () => {
    const { client, user } = await actors();
    expect(await failLogins(ctx(), client, user.email, 9)).toEqual(times(9, 403));
    expect((await passwordLogin(ctx(), client, user.email, PASSWORD)).statusCode).toBe(200);
    expect(await failLogins(ctx(), client, user.email, 9)).toEqual(times(9, 403));
    expect((await passwordLogin(ctx(), client, user.email, PASSWORD)).statusCode).toBe(200);
    expect(await blockRows(ctx()).then((rows) => rows.filter((r) => r.identifier === user.email))).toHaveLength(0);
  });

  it('one failure comes back per hour, so occasional typos never add up to a block', async () => {
    const { client, user } = await actors();
    // a failed attempt every 61 minutes for three days, never a success: never blocked
    for (let i = 0; i < 72; i++) {
      expect(await failLogins(ctx(), client, user.email, 1)).toEqual([403]);
      clock.advance(HOUR + 60_000);
    }
    // a burst still is: 10 in a row from a full counter
    expect(await failLogins(ctx(), client, user.email, 10)).toEqual([...times(9, 403), 429]);
  });

  it('a block ends after 30 days, and the user starts from a full count', async () => {
    const { client, user } = await actors();
    await failLogins(ctx(), client, user.email, 10);
    clock.advance(30 * DAY - 1);
    expect((await passwordLogin(ctx(), client, user.email, PASSWORD)).statusCode).toBe(429);
    clock.advance(1);
    expect((await passwordLogin(ctx(), client, user.email, 'a typo')).json()).toEqual(WRONG_CREDENTIALS);
    expect((await passwordLogin(ctx(), client, user.email, PASSWORD)).statusCode).toBe(200);
    // a new run blocks again (the expired row is replaced, not an obstacle)
    expect(await failLogins(ctx(), client, user.email, 10)).toEqual([...times(9, 403), 429]);
    const rows = (await blockRows(ctx())).filter((b) => b.identifier === user.email);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.created_at).toBe(clock.now().toISOString());
  });

  it('never counts nor blocks an allowlisted IP (address or CIDR, IPv4 or IPv6)', async () => {
    await configure(ctx(), { allowlist: ['192.0.2.0/24', '2001:db8:aa::/48', '198.51.100.200'], max_attempts: 3 });
    const { client, user } = await actors();
    for (const ip of ['192.0.2.77', '2001:db8:aa:1::5', '198.51.100.200', '::ffff:192.0.2.8']) {
      expect(await failLogins(ctx(), client, user.email, 5, ip)).toEqual(times(5, 403));
      expect((await passwordLogin(ctx(), client, user.email, PASSWORD, ip)).statusCode).toBe(200);
    }
    expect(await blockRows(ctx()).then((rows) => rows.filter((r) => r.identifier === user.email))).toHaveLength(0);
    // an address just outside the ranges is counted
    expect(await failLogins(ctx(), client, user.email, 3, '192.0.3.1')).toEqual([403, 403, 429]);
  });

  it('an allowlisted IP is not refused even by a block that holds from every IP', async () => {
    const { client, user } = await actors();
    await configure(ctx(), { mode: 'count_per_identifier', max_attempts: 2 });
    await failLogins(ctx(), client, user.email, 2, ATTACKER_IP);
    await configure(ctx(), { allowlist: ['10.20.0.0/16'] });
    expect((await passwordLogin(ctx(), client, user.email, PASSWORD, '10.20.3.4')).statusCode).toBe(200);
    expect((await passwordLogin(ctx(), client, user.email, PASSWORD, USER_IP)).statusCode).toBe(429);
  });

  it('enabled: false counts nothing and does not enforce existing blocks; turning it on again does', async () => {
    const { client, user } = await actors();
    await failLogins(ctx(), client, user.email, 10);
    await configure(ctx(), { enabled: false });
    expect((await passwordLogin(ctx(), client, user.email, PASSWORD)).statusCode).toBe(200);
    const other = await createUser(ctx());
    expect(await failLogins(ctx(), client, other.email, 30)).toEqual(times(30, 403));
    expect((await blockRows(ctx())).filter((b) => b.identifier === other.email)).toHaveLength(0);
    await configure(ctx(), { enabled: true });
    expect((await passwordLogin(ctx(), client, user.email, PASSWORD)).statusCode).toBe(429);
    expect((await passwordLogin(ctx(), client, other.email, PASSWORD)).statusCode).toBe(200);
  });

  it('shields without "block": the threshold is recorded each time it is reached, nobody is blocked', async () => {
    await configure(ctx(), { shields: ['user_notification'], max_attempts: 3 });
    const { client, user } = await actors();
    expect(await failLogins(ctx(), client, user.email, 7)).toEqual(times(7, 403));
    expect((await passwordLogin(ctx(), client, user.email, PASSWORD)).statusCode).toBe(200);
    expect((await blockRows(ctx())).filter((b) => b.identifier === user.email)).toHaveLength(0);
    const events = await entriesFor(ctx(), 'limit_wc', user.email);
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ description: '3 failed logins in a row (shields without "block": nothing blocked)' });
    expect(events[0]!.details).toEqual({
      identifier: user.email,
      ip: ATTACKER_IP,
      mode: 'count_per_identifier_and_ip',
      max_attempts: 3,
      shields: ['user_notification'],
      blocked: false,
      user_notification: 'not sent: Guardline has no e-mail or SMS channel for notifications',
    });

    await configure(ctx(), { shields: [] });
    const quiet = await createUser(ctx());
    expect(await failLogins(ctx(), client, quiet.email, 4)).toEqual(times(4, 403));
    const [entry] = await entriesFor(ctx(), 'limit_wc', quiet.email);
    expect(entry!.details).not.toHaveProperty('user_notification');
  });

  it('reaching the threshold with concurrent requests writes one block and one "Blocked account" event', async () => {
    const { client, user } = await actors();
    const responses = await Promise.all(Array.from({ length: 14 }, (_, i) => passwordLogin(ctx(), client, user.email, `${i} wrong`)));
    const statuses = responses.map((r) => r.statusCode);
    // the 10th failure blocks; a request whose failure is counted after the block reset the counter is still
    // answered as a wrong password (the block is there for its next attempt), so 9 or more 403s, at least one 429
    expect(statuses.every((s) => s === 403 || s === 429)).toBe(true);
    expect(statuses.filter((s) => s === 403).length).toBeGreaterThanOrEqual(9);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
    expect((await blockRows(ctx())).filter((b) => b.identifier === user.email)).toHaveLength(1);
    const events = await entriesFor(ctx(), 'limit_wc', user.email);
    expect(events.filter((e) => e.description.startsWith('Blocked account'))).toHaveLength(1);
    expect((await passwordLogin(ctx(), client, user.email, PASSWORD)).statusCode).toBe(429);
  });

  it('keeps each tenant apart: a block in one tenant does not reach the same identifier in another', async () => {
    const { client, user } = await actors();
    const acme = await ctx().services.tenants.create({ name: `acme${Date.now() % 100000}` });
    const acmeClient = await passwordClient(ctx(), acme);
    await ctx().services.users.create(acme, { connection: 'Username-Password-Authentication', email: user.email, password: PASSWORD });
    await failLogins(ctx(), client, user.email, 10);
    expect((await passwordLogin(ctx(), acmeClient, user.email, PASSWORD, ATTACKER_IP, acme)).statusCode).toBe(200);
    expect(await blockRows(ctx(), acme)).toHaveLength(0);
    // and the other tenant's settings are its own
    await configure(ctx(), { max_attempts: 1 });
    expect((await ctx().services.bruteForce.settings(acme)).max_attempts).toBe(10);
  });
});
