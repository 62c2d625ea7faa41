import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { METADATA_LIMITS } from '../../src/domain/metadata-limits.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { errorBody, managementApi, storeSnapshot, waitForLog } from './support.js';

const CONNECTION = 'Username-Password-Authentication';
const PASSWORD = 'Correct-Horse-Battery-9';

/** `{"a":{"a":…1…}}` with `depth` objects, as text (a JavaScript object that deep could not even be stringified). */
const nestedText = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
/** The same, as a value, for depths JSON.stringify handles. */
const nested = (depth: number): Record<string, unknown> => JSON.parse(nestedText(depth));

const invalidBody = (message: string) => errorBody(400, 'Bad Request', 'invalid_body', message);

describe.each(DIALECTS)('Management API: user_metadata and app_metadata limits (%s)', (dialect) => {
  const clock = new ManualClock('2026-03-01T09:00:00.000Z');
  const ctx = useTestContext(dialect, { clock });
  const api = managementApi(ctx);
  let serial = 0;
  const newUser = (extra: Record<string, unknown> = {}) => ({ connection: CONNECTION, email: `meta${++serial}@example.com`, password: PASSWORD, ...extra });
  const json = { 'content-type': 'application/json' };

  async function createUser(extra: Record<string, unknown> = {}) {
    const response = await api.call('POST', '/users', { payload: newUser(extra) });
    expect(response.statusCode).toBe(201);
    return response.json() as { user_id: string };
  }
  const userPath = (id: string) => `/users/${encodeURIComponent(id)}`;

  /** Sends `payload` and checks the exact 400, that nothing was stored, and the `fapi` entry for it. */
  async function expectRefused(method: 'POST' | 'PATCH', path: string, payload: string, message: string) {
    const before = await storeSnapshot(ctx);
    const response = await api.call(method, path, { payload, headers: json });
    expect({ status: response.statusCode, body: response.json() }).toEqual({ status: 400, body: invalidBody(message) });
    expect(await storeSnapshot(ctx)).toEqual(before);
    const entry = await waitForLog(api, 'type:fapi', (e) => (e.details as { request: { path: string } }).request.path === `/api/v2${path}` && e.date === clock.now().toISOString());
    expect(entry.details).toEqual({ request: { method, path: `/api/v2${path}` }, response: { statusCode: 400 } });
    clock.advance(1000);
  }

  it('POST /users with user_metadata nested 5,000 deep (29 kB): 400 naming the field and the limit, no user', async () => {
    const body = `{"connection":"${CONNECTION}","email":"deep@example.com","password":"${PASSWORD}","user_metadata":${nestedText(5000)}}`;
    expect(body.length).toBeGreaterThan(29_000);
    await expectRefused('POST', '/users', body, "Payload validation error: 'user_metadata: must not be nested more than 32 levels deep'.");
  });

  it('PATCH with app_metadata nested 6,000 deep: 400, the user unchanged', async () => {
    const user = await createUser({ app_metadata: { role: 'admin' } });
    await expectRefused('PATCH', userPath(user.user_id), `{"app_metadata":${nestedText(6000)}}`, "Payload validation error: 'app_metadata: must not be nested more than 32 levels deep'.");
    expect((await api.call('GET', userPath(user.user_id))).json().app_metadata).toEqual({ role: 'admin' });
  });

  it(`accepts exactly ${METADATA_LIMITS.depth} levels and returns them intact; ${METADATA_LIMITS.depth + 1} is refused`, async () => {
    const deepest = nested(METADATA_LIMITS.depth);
    const user = await createUser({ user_metadata: deepest });
    expect((await api.call('GET', userPath(user.user_id))).json().user_metadata).toEqual(deepest);
    await expectRefused(
      'PATCH',
      userPath(user.user_id),
      JSON.stringify({ user_metadata: { b: nested(METADATA_LIMITS.depth) } }),
      "Payload validation error: 'user_metadata: must not be nested more than 32 levels deep'.",
    );
    // an array level counts like an object level
    await expectRefused('POST', '/users', JSON.stringify(newUser({ app_metadata: { list: [nested(METADATA_LIMITS.depth - 1)] } })), "Payload validation error: 'app_metadata: must not be nested more than 32 levels deep'.");
  });

  it(`accepts ${METADATA_LIMITS.keys} keys in all; one more is refused, counting every level`, async () => {
    const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
    const user = await createUser({ user_metadata: { prefs: keys(METADATA_LIMITS.keys - 1) } });
    expect(Object.keys((await api.call('GET', userPath(user.user_id))).json().user_metadata.prefs)).toHaveLength(METADATA_LIMITS.keys - 1);
    await expectRefused('POST', '/users', JSON.stringify(newUser({ app_metadata: { a: keys(500), b: keys(500) } })), 'app_metadata: must not have more than 1000 keys in all (has 1002)');
    // merging adds the stored keys: one more top-level key is one too many
    await expectRefused('PATCH', userPath(user.user_id), JSON.stringify({ user_metadata: { extra: true } }), 'user_metadata: must not have more than 1000 keys in all (has 1001)');
  });

  it('refuses "." and "$" in field names at any level, as Auth0 does', async () => {
    await expectRefused('POST', '/users', JSON.stringify(newUser({ user_metadata: { 'preference.color': 'pink' } })), 'user_metadata: field names must not contain "." or "$" ("preference.color")');
    const user = await createUser({ user_metadata: { preference: { color: 'light.blue' } } });
    await expectRefused('PATCH', userPath(user.user_id), JSON.stringify({ app_metadata: { a: { b: [{ $where: 1 }] } } }), 'app_metadata: field names must not contain "." or "$" ("$where")');
  });

  it(`keeps both fields together within ${METADATA_LIMITS.bytes} bytes, also across merges`, async () => {
    const text = (bytes: number) => 'x'.repeat(bytes);
    const user = await createUser({ user_metadata: { notes: text(40_000) } });
    const patch = JSON.stringify({ app_metadata: { notes: text(30_000) } });
    await expectRefused('PATCH', userPath(user.user_id), patch, `app_metadata: user_metadata and app_metadata together must not exceed 65536 bytes of JSON (would be ${40_000 + 12 + 30_000 + 12})`);
    // multi-byte text counts in bytes, as stored (in characters this pair would be 26,024)
    const japanese = await createUser({ user_metadata: { notes: '日'.repeat(20_000) } });
    await expectRefused('PATCH', userPath(japanese.user_id), JSON.stringify({ app_metadata: { notes: text(6_000) } }), 'app_metadata: user_metadata and app_metadata together must not exceed 65536 bytes of JSON (would be 66024)');
    // what remains under the limit is stored
    const smaller = await api.call('PATCH', userPath(user.user_id), { payload: { app_metadata: { notes: text(20_000) } } });
    expect(smaller.statusCode).toBe(200);
    expect(smaller.json().app_metadata.notes).toHaveLength(20_000);
  });
});
