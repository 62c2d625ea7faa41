import { existsSync } from 'node:fs';
import { Socket } from 'node:net';
import pg from 'pg';
import { CHROMIUM_PATH, TEST_POSTGRES_URL, TEST_REDIS_URL } from './services.js';

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(2000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
    socket.connect(port, host);
  });
}

/** Ends the run with exactly one line saying what to start (a thrown error would add a stack trace). */
function missing(line: string): never {
  process.stderr.write(`\n${line}\n`);
  process.exit(1);
}

/** Fails the run with one clear line when a service the suite needs is not there. */
export default async function setup(): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (err) {
    missing(
      `PostgreSQL is not reachable at ${TEST_POSTGRES_URL} (${(err as Error).message}): start it with \`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\` or set GUARDLINE_TEST_DATABASE_URL`,
    );
  } finally {
    await client.end().catch(() => {});
  }
  if (!existsSync(CHROMIUM_PATH)) {
    missing(`Chromium is not installed at ${CHROMIUM_PATH} (browser tests need it): install it with \`apt-get install -y chromium\``);
  }
  const redis = new URL(TEST_REDIS_URL);
  if (!(await reachable(redis.hostname, Number(redis.port || 6379)))) {
    missing(`Redis is not reachable at ${TEST_REDIS_URL}: start it with \`redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no\` or set GUARDLINE_TEST_REDIS_URL`);
  }
}
