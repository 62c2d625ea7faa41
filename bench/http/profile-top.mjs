// Top frames of a V8 .cpuprofile (from `BENCH_PROFILE=1 npm run bench:http`): self time per function, and the
// share of the samples spent under a few places that matter here (argon2, SQLite, Kysely, JWT signing).
// Usage: node bench/http/profile-top.mjs bench/http/results/CPU.….cpuprofile [count] [scenario]
// With a scenario name (e.g. "challenge (public)"), only the samples taken while bench/http/results/latest.json says
// that scenario ran on Guardline are counted (both use CLOCK_MONOTONIC microseconds).
import { readFileSync } from 'node:fs';

const [file, countText, scenario] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-top.mjs <file.cpuprofile> [count]');
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
let window = [-Infinity, Infinity];
if (scenario) {
  const summary = JSON.parse(readFileSync(new URL('./results/latest.json', import.meta.url), 'utf8'));
  const row = summary.rows.find((r) => r.side === 'guardline' && `${r.scenario}${r.variant ? ` (${r.variant})` : ''}` === scenario);
  if (!row) throw new Error(`no Guardline scenario "${scenario}" in latest.json`);
  window = row.window;
}
const hits = new Map();
let at = profile.startTime;
let total = 0;
profile.samples.forEach((id, i) => {
  at += profile.timeDeltas[i];
  if (at < window[0] || at > window[1]) return;
  hits.set(id, (hits.get(id) ?? 0) + 1);
  total++;
});
const label = (n) => {
  const f = n.callFrame;
  const where = f.url ? f.url.replace(/^.*\/(node_modules\/|dist\/|node:)/, '$1') : '';
  return `${f.functionName || '(anonymous)'} ${where}${f.lineNumber >= 0 && where ? `:${f.lineNumber + 1}` : ''}`;
};
const self = new Map();
for (const [id, count] of hits) {
  const key = label(byId.get(id));
  self.set(key, (self.get(key) ?? 0) + count);
}
const idle = [...hits].filter(([id]) => ['(idle)', '(program)', '(garbage collector)'].includes(byId.get(id).callFrame.functionName));
console.log(`${total} samples; ${idle.map(([id, c]) => `${byId.get(id).callFrame.functionName} ${((100 * c) / total).toFixed(1)} %`).join(', ')}`);
console.log('self time, top frames:');
for (const [key, count] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(countText ?? 25))) {
  console.log(`${((100 * count) / total).toFixed(1).padStart(5)} %  ${key}`);
}
// Inclusive share: a sample counts for a bucket when any frame on its stack matches.
const buckets = {
  'argon2 (@node-rs/argon2)': /argon2/,
  'better-sqlite3 / SQLite (prepare + run)': /better-sqlite3|node_modules\/kysely\/dist\/esm\/dialect\/sqlite/,
  'pg driver': /node_modules\/pg(-protocol)?\//,
  'ioredis': /ioredis/,
  'Kysely query building/compiling': /node_modules\/kysely\/dist\/esm\/(query-builder|query-compiler|operation-node|parser)/,
  'jose (JWT sign/verify)': /node_modules\/jose\//,
  'fastify + ajv (routing, validation, serialisation)': /node_modules\/(fastify|ajv|fast-json-stringify|find-my-way|avvio|light-my-request)/,
  'liquidjs (message templates)': /liquidjs/,
  'libphonenumber-js': /libphonenumber/,
};
const inclusive = Object.fromEntries(Object.keys(buckets).map((k) => [k, 0]));
for (const [id, count] of hits) {
  const stack = [];
  for (let at = id; at !== undefined; at = parent.get(at)) stack.push(byId.get(at).callFrame.url);
  for (const [name, pattern] of Object.entries(buckets)) if (stack.some((u) => pattern.test(u))) inclusive[name] += count;
}
console.log('inclusive share (any frame on the stack):');
for (const [name, count] of Object.entries(inclusive)) console.log(`${((100 * count) / total).toFixed(1).padStart(5)} %  ${name}`);
