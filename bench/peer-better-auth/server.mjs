// The benchmark's peer: Better Auth with its phone-number plugin, on the same storage as Guardline in each mode.
// Plain .mjs so the repository's tsc never type-checks it; started by bench/http/run.ts, never by Guardline.
//
// Environment: PEER_PORT, PEER_DATABASE (a better-sqlite3 file path, or a postgres:// URL).
// sendOTP does no I/O: it puts the code on the send-otp response in a bench-only header (x-bench-otp), the way
// Guardline's test number lets the load generator know the code without reading an inbox. Verify then runs the
// plugin's own checks against the stored verification row.
import { AsyncLocalStorage } from 'node:async_hooks';
import http from 'node:http';
import Database from 'better-sqlite3';
import pg from 'pg';
import { betterAuth } from 'better-auth';
import { toNodeHandler } from 'better-auth/node';
import { phoneNumber } from 'better-auth/plugins';
import { getMigrations } from 'better-auth/db/migration';

const port = Number(process.env.PEER_PORT ?? 0);
const target = process.env.PEER_DATABASE;
if (!target) throw new Error('PEER_DATABASE is required');
const database = target.startsWith('postgres') ? new pg.Pool({ connectionString: target, max: 10 }) : new Database(target);
// The same pragmas as Guardline's embedded store (src/store/database.ts), so both pay the same for a write.
if (database instanceof Database) {
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
}

const current = new AsyncLocalStorage();
const auth = betterAuth({
  baseURL: `http://127.0.0.1:${port}`,
  secret: 'bench-only-secret-0123456789abcdef0123456789abcdef',
  database,
  // Off: every request comes from 127.0.0.1, and the plugin's default (10 a minute per path and IP) would turn
  // the run into a benchmark of 429s. Guardline keeps its limits on; the bench stays inside them.
  rateLimit: { enabled: false },
  telemetry: { enabled: false },
  logger: { disabled: true },
  plugins: [
    phoneNumber({
      sendOTP: ({ code }) => {
        current.getStore()?.setHeader('x-bench-otp', code);
      },
      signUpOnVerification: { getTempEmail: (phone) => `${phone.replace(/\D/g, '')}@bench.invalid` },
    }),
  ],
});

const { runMigrations } = await getMigrations(auth.options);
await runMigrations();

const handler = toNodeHandler(auth);
const server = http.createServer((req, res) => current.run(res, () => handler(req, res)));
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => console.log(`peer listening on ${server.address().port}`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
