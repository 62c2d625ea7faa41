/**
 * The password grant's yardstick: CPU per argon2id verify with Guardline's own parameters (src/crypto/password.ts,
 * OWASP's m = 19 MiB, t = 2, p = 1), in a process of its own that does nothing else, one verify at a time.
 * Prints one JSON line: {"verifies", "cpuUsPerVerify", "wallUsPerVerify"}. BENCH_ARGON2_MS: how long to loop (2000).
 * `npx tsx bench/support/argon2-baseline.ts`
 */
import { hashSecret, verifySecret } from '../../src/crypto/password.js';

const LOOP_MS = Number(process.env.BENCH_ARGON2_MS ?? 2000);
const password = 'correct horse battery staple';
const hashed = await hashSecret(password);
for (let i = 0; i < 5; i++) await verifySecret(hashed, password); // warm-up (the thread pool, the code paths)

let verifies = 0;
const cpu = process.cpuUsage();
const start = performance.now();
while (performance.now() - start < LOOP_MS || verifies < 20) {
  if (!(await verifySecret(hashed, password))) throw new Error('argon2id verify failed');
  verifies++;
}
const wall = (performance.now() - start) * 1000;
const used = process.cpuUsage(cpu);
console.log(JSON.stringify({ verifies, cpuUsPerVerify: (used.user + used.system) / verifies, wallUsPerVerify: wall / verifies }));
