/**
 * Auth0's list conventions on every Management API list (issue 13): the paged lists take `page`, `per_page`,
 * `include_totals`, `fields` and `include_fields` and answer in Auth0's paged shape; the lists Auth0 pages by
 * checkpoint take `from`/`take`; each list's own filters work; unknown parameters are refused in Auth0's shape.
 * The set of paged lists is read from the registered routes, so a new list that skips the conventions fails here.
 */
import { describe, expect, it } from 'vitest';
import { routeRecords } from '../../scripts/docs.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { managementApi } from './support.js';

/**
 * Lists Auth0 pages (and Guardline's own paged lists), with the key of their envelope and its kind: Auth0's
 * `{start, limit, length, total}` with include_totals and a bare array without; Auth0's authentication methods
 * envelope, which has no `length`; the dev inbox's, a Guardline extension that always answers `{messages, start,
 * limit}` and adds `total` with include_totals (docs/dev-inbox.md).
 */
type Envelope = 'auth0' | 'auth0-without-length' | 'always';
const PAGED_LISTS: Record<string, { key: string; envelope: Envelope }> = {
  '/api/v2/clients': { key: 'clients', envelope: 'auth0' },
  '/api/v2/users': { key: 'users', envelope: 'auth0' },
  '/api/v2/users/:id/logs': { key: 'logs', envelope: 'auth0' },
  '/api/v2/users/:id/authentication-methods': { key: 'authenticators', envelope: 'auth0-without-length' },
  '/api/v2/client-grants': { key: 'client_grants', envelope: 'auth0' },
  '/api/v2/connections': { key: 'connections', envelope: 'auth0' },
  '/api/v2/logs': { key: 'logs', envelope: 'auth0' },
  '/api/v2/resource-servers': { key: 'resource_servers', envelope: 'auth0' },
  '/api/v2/guardian/factors/phone/dev-inbox': { key: 'messages', envelope: 'always' },
  '/api/v2/phone/deliveries': { key: 'deliveries', envelope: 'auth0' },
};
/** Lists Auth0 pages by checkpoint as well: `{key, next}`. */
const CHECKPOINT_LISTS = ['/api/v2/connections', '/api/v2/client-grants'];
const COMMON = ['page', 'per_page', 'include_totals', 'fields', 'include_fields'];

describe('the registered routes', () => {
  it('every route taking Auth0’s paging parameters is a known paged list, and takes all the common ones', async () => {
    const records = (await routeRecords()).filter((r) => r.method === 'GET' && r.url.startsWith('/api/v2') && r.queryFields.includes('include_totals'));
    expect(records.map((r) => r.url).sort()).toEqual(Object.keys(PAGED_LISTS).sort());
    for (const route of records) expect(route.queryFields, route.url).toEqual(expect.arrayContaining(COMMON));
    for (const url of CHECKPOINT_LISTS) expect(records.find((r) => r.url === url)?.queryFields).toEqual(expect.arrayContaining(['from', 'take']));
  });
});

describe.each(DIALECTS)('Management API list conventions (%s)', (dialect) => {
  const ctx = useTestContext(dialect);
  const api = managementApi(ctx);
  let userId = '';

  const get = async (path: string) => {
    const response = await api.call('GET', path);
    expect(response.statusCode, `${path}: ${response.body}`).toBe(200);
    return response.json();
  };
  const pathOf = (url: string) => url.replace('/api/v2', '').replace(':id', encodeURIComponent(userId));
  const withQuery = (path: string, query: string) => `${path}${path.includes('?') ? '&' : '?'}${query}`;

  it('sets up a tenant with several of each', async () => {
    for (const [name, app_type] of [['Web', 'spa'], ['Backend', 'non_interactive'], ['Portal', 'regular_web']] as const) {
      expect((await api.call('POST', '/clients', { payload: { name, app_type, ...(app_type === 'spa' ? { token_endpoint_auth_method: 'none' } : {}) } })).statusCode).toBe(201);
    }
    const clients = (await get('/clients')) as Array<{ client_id: string; name: string }>;
    for (const client of clients.filter((c) => c.name !== 'Web')) {
      await api.call('POST', '/client-grants', { payload: { client_id: client.client_id, audience: ctx().tenant.managementAudience, scope: ['read:users'] } });
    }
    const user = await api.call('POST', '/users', { payload: { connection: 'Username-Password-Authentication', email: 'lists@example.com', password: 'correct horse battery staple 42' } });
    expect(user.statusCode).toBe(201);
    userId = user.json().user_id;
    expect((await api.call('POST', `/users/${encodeURIComponent(userId)}/authentication-methods`, { payload: { type: 'phone', phone_number: '+819012345678' } })).statusCode).toBe(201);
  });

  it.each(Object.entries(PAGED_LISTS))('%s: page, per_page, include_totals, fields and include_fields', async (url, { key, envelope }) => {
    const path = pathOf(url);
    /** The entries of an answer without include_totals. */
    const entries = (body: unknown) => (envelope === 'always' ? (body as Record<string, unknown[]>)[key]! : (body as unknown[]));
    const lengthOf = (n: number) => (envelope === 'auth0' ? { length: n } : {});
    const all = await get(withQuery(path, 'include_totals=true&per_page=100'));
    expect(all).toMatchObject({ start: 0, limit: 100, total: all[key].length, ...lengthOf(all[key].length) });

    const firstPage = await get(withQuery(path, 'page=0&per_page=1&include_totals=true'));
    expect(firstPage).toMatchObject({ start: 0, limit: 1, total: all.total, ...lengthOf(Math.min(1, all.total)) });
    expect(firstPage[key]).toEqual(all[key].slice(0, 1));
    if (all.total > 1) expect((await get(withQuery(path, 'page=1&per_page=1&include_totals=true')))[key]).toEqual(all[key].slice(1, 2));
    // Without include_totals: the bare array, as Auth0 answers (the dev inbox keeps its envelope, without total).
    const bare = await get(withQuery(path, 'per_page=100'));
    expect(entries(bare)).toEqual(all[key]);
    if (envelope === 'always') expect(bare).not.toHaveProperty('total');

    const sample = all[key][0] as Record<string, unknown> | undefined;
    if (sample === undefined) return; // the dev inbox and the ledger are empty on a tenant that sent nothing
    const [kept, other] = Object.keys(sample);
    const only = entries(await get(withQuery(path, `per_page=100&fields=${kept}`)));
    expect(only).toEqual(all[key].map((entry: Record<string, unknown>) => ({ [kept!]: entry[kept!] })));
    const paged = await get(withQuery(path, `per_page=100&include_totals=true&fields=${kept},${other}&include_fields=true`));
    expect(paged).toMatchObject({ total: all.total });
    for (const entry of paged[key]) expect(Object.keys(entry).sort()).toEqual([kept, other].sort());
    const without = entries(await get(withQuery(path, `per_page=100&fields=${kept}&include_fields=false`))) as Array<Record<string, unknown>>;
    expect(without.length).toBe(all.total);
    for (const entry of without) expect(entry).not.toHaveProperty(kept!);
  });

  it.each(Object.keys(PAGED_LISTS))('%s: unknown or malformed parameters are Auth0’s 400', async (url) => {
    // per_page=0 is Auth0's "count only" on authentication methods; a 400 everywhere else.
    const zero = url.endsWith('/authentication-methods') ? [] : ['per_page=0'];
    for (const query of ['nope=1', ...zero, 'per_page=101', 'page=-1', 'include_totals=maybe', 'fields=a,,b']) {
      const response = await api.call('GET', withQuery(pathOf(url), query));
      expect(response.statusCode, `${url}?${query}`).toBe(400);
      expect(response.json()).toMatchObject({ statusCode: 400, error: 'Bad Request', errorCode: 'invalid_query_string' });
    }
  });

  it.each(CHECKPOINT_LISTS)('%s: checkpoint paging walks the whole list once', async (url) => {
    const { key } = PAGED_LISTS[url]!;
    const path = pathOf(url);
    const all = (await get(withQuery(path, 'include_totals=true&per_page=100')))[key];
    expect(all.length).toBeGreaterThan(0);
    const seen: unknown[] = [];
    let next: string | undefined;
    do {
      const page = await get(withQuery(path, `take=1${next ? `&from=${encodeURIComponent(next)}` : ''}`));
      // `next` until the last page, which has none.
      expect(Object.keys(page).sort()).toEqual(seen.length + page[key].length < all.length ? [key, 'next'].sort() : [key]);
      seen.push(...page[key]);
      next = page.next;
    } while (next !== undefined && seen.length <= all.length);
    expect(seen).toEqual(all);
    const forged = await api.call('GET', withQuery(path, 'take=1&from=bm90LWEtY3Vyc29y'));
    expect(forged.statusCode).toBe(400);
    expect(forged.json()).toMatchObject({ errorCode: 'invalid_query_string' });
  });

  it('clients: is_global, is_first_party, app_type and q=name', async () => {
    const global = (await get('/clients?is_global=true')) as Array<{ client_id: string; name: string; global: boolean }>;
    expect(global).toEqual([expect.objectContaining({ name: 'All Applications', global: true })]);
    expect(await get(`/clients/${global[0]!.client_id}`)).toMatchObject({ name: 'All Applications', global: true });
    const names = async (query: string) => ((await get(`/clients?${query}`)) as Array<{ name: string }>).map((c) => c.name).sort();
    expect(await names('is_global=false')).not.toContain('All Applications');
    expect(await names('app_type=spa,regular_web')).toEqual(['Portal', 'Web']);
    expect(await names('is_first_party=true&app_type=non_interactive')).toEqual(expect.arrayContaining(['Backend']));
    expect(await names('is_first_party=false')).toEqual([]);
    expect(await names('q=name:"Portal"')).toEqual(['Portal']);
    expect((await api.call('GET', '/clients?app_type=mainframe')).json()).toMatchObject({ errorCode: 'invalid_query_string' });
    expect((await api.call('GET', '/clients?q=callbacks:x')).json()).toMatchObject({ errorCode: 'invalid_query_string' });
  });

  it('connections, client grants and resource servers: their own filters', async () => {
    expect(await get('/connections?strategy=auth0&strategy=google-oauth2')).toHaveLength(1);
    expect(await get('/connections?strategy=google-oauth2')).toEqual([]);
    const grants = (await get('/client-grants')) as Array<{ client_id: string }>;
    expect(await get(`/client-grants?client_id=${grants[0]!.client_id}`)).toHaveLength(1);
    expect(await get('/client-grants?subject_type=user')).toEqual([]);
    expect(await get('/client-grants?subject_type=client')).toHaveLength(grants.length);
    const apis = (await get('/resource-servers')) as Array<{ name: string; identifier: string; is_system: boolean }>;
    expect(apis.map((a) => a.name)).toEqual(['Auth0 Management API', 'MFA API']);
    expect(apis.every((a) => a.is_system)).toBe(true);
    expect(await get(`/resource-servers?identifiers=${encodeURIComponent(ctx().tenant.managementAudience)}`)).toEqual([apis[0]]);
    expect(await get(`/resource-servers/${encodeURIComponent(ctx().tenant.managementAudience)}`)).toEqual(apis[0]);
  });

  it('a single resource takes fields too', async () => {
    expect(await get(`/users/${encodeURIComponent(userId)}?fields=user_id,email`)).toEqual({ user_id: userId, email: 'lists@example.com' });
    expect(Object.keys(await get('/tenants/settings?fields=friendly_name'))).toEqual(['friendly_name']);
  });
});
