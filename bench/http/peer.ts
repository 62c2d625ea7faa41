/**
 * The peer (Better Auth's phone-number plugin, bench/peer-better-auth/, installed on first use with its own
 * lockfile) and the ceiling (a bare node:http hello), driven through their own endpoints.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { benchDatabase } from './guardline.js';
import { CONNECTIONS, DURATION, Latest, PEER_DIR, call, expectStatus, inParallel, json, load, type Services } from './load.js';
import { ROOT, freePort, run, startNode, stopChild } from './processes.js';

export function ensurePeer(): void {
  if (existsSync(path.join(PEER_DIR, 'node_modules/better-auth/package.json')) && existsSync(path.join(PEER_DIR, 'node_modules/autocannon/package.json'))) return;
  console.log('installing the peer and the load generator (npm ci in bench/peer-better-auth)…');
  run('npm', ['ci', '--prefix', PEER_DIR, '--no-audit', '--no-fund']);
}

export async function benchPeer(mode: string, dir: string): Promise<void> {
  const port = await freePort();
  let database = path.join(dir, 'peer.db');
  let services: Services = {};
  if (mode === 'postgres') {
    const pg = await benchDatabase('peer');
    database = pg.url;
    // Redis is watched for the peer too (it does not use it: the column shows the noise floor).
    services = { postgresDatabase: pg.name, redis: true };
  }
  const peer = await startNode('peer', [path.join(PEER_DIR, 'server.mjs')], { PEER_PORT: String(port), PEER_DATABASE: database, NODE_ENV: 'production' }, /peer listening/, PEER_DIR);
  const url = `http://127.0.0.1:${port}`;
  const target = { url, pid: peer.pid };
  const phones = Array.from({ length: Math.max(300, 100 * DURATION) }, (_, i) => `+1415${String(1_000_000 + i).padStart(7, '0')}`);
  // Seed: each phone signs up through send-otp + verify (signUpOnVerification), so every measured verify finds its user.
  const send = async (phoneNumber: string) => {
    const response = await fetch(`${url}/api/auth/phone-number/send-otp`, { method: 'POST', headers: json, body: JSON.stringify({ phoneNumber }) });
    if (response.status !== 200) throw new Error(`peer send-otp: ${response.status} ${await response.text()}`);
    return response.headers.get('x-bench-otp')!;
  };
  await inParallel(phones.length, 8, async (i) => {
    const phoneNumber = phones[i]!;
    const code = await send(phoneNumber);
    await expectStatus('peer verify', call(`${url}/api/auth/phone-number/verify`, 'POST', { phoneNumber, code }), 200);
  });
  const meta = (scenario: string) => ({ mode, scenario, side: 'peer' as const, variant: '' });
  const latest = new Latest();
  let next = 0;
  await load(meta('challenge'), target, [{
    method: 'POST', path: '/api/auth/phone-number/send-otp', headers: json,
    setupRequest: (request, context) => {
      const phoneNumber = phones[next++ % phones.length]!;
      context.phone = phoneNumber;
      context.seq = latest.issue(phoneNumber);
      return { ...request, body: JSON.stringify({ phoneNumber }) };
    },
    onResponse: (status, _body, context, headers) => {
      if (status === 200) latest.answer(String(context.phone), Number(context.seq), String(headers['x-bench-otp']));
    },
  }], [200], undefined, services);
  const verifies = latest.entries();
  let nextVerify = 0;
  await load(meta('exchange'), target, [{
    method: 'POST', path: '/api/auth/phone-number/verify', headers: json,
    setupRequest: (request) => {
      const [phoneNumber, code] = verifies[nextVerify++ % verifies.length]!;
      return { ...request, body: JSON.stringify({ phoneNumber, code }) };
    },
  }], [200], verifies.length - CONNECTIONS, services);
  let nextPair = 0;
  await load(meta('challenge+exchange pairs'), target, [
    {
      method: 'POST', path: '/api/auth/phone-number/send-otp', headers: json,
      setupRequest: (request, context) => {
        const phoneNumber = phones[nextPair++ % phones.length]!;
        context.phone = phoneNumber;
        return { ...request, body: JSON.stringify({ phoneNumber }) };
      },
      onResponse: (_status, _body, context, headers) => {
        context.code = headers['x-bench-otp'] ?? 'none';
      },
    },
    {
      method: 'POST', path: '/api/auth/phone-number/verify', headers: json,
      setupRequest: (request, context) => ({ ...request, body: JSON.stringify({ phoneNumber: context.phone, code: context.code }) }),
    },
  ], [200], undefined, services);
  await stopChild(peer.child);
}

export async function benchCeiling(mode: string): Promise<void> {
  const port = await freePort();
  const hello = await startNode('hello', [path.join(ROOT, 'bench/http/hello.mjs')], { HELLO_PORT: String(port) }, /hello listening/);
  await load({ mode, scenario: 'hello', side: 'ceiling', variant: '' }, { url: `http://127.0.0.1:${port}`, pid: hello.pid }, [{ method: 'GET', path: '/' }], [200]);
  await stopChild(hello.child);
}
