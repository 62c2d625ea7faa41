import { describe, expect, it } from 'vitest';
import { ABSENT_FEATURES } from '../../src/http/management/routes/absent-features/table.js';
import { tokenWithScopes, useTestContext } from '../support/harness.js';
import { managementApi } from './support.js';

/** Auth0 features Guardline does not have answer as a tenant without them would: tools skip them, nothing is written. */
describe('Management API: features Guardline does not have', () => {
  const ctx = useTestContext('sqlite');
  const api = managementApi(ctx);
  const concrete = (path: string) => path.replace(':prompt', 'login');

  it.each(ABSENT_FEATURES.map((f) => [f.feature, f] as const))('%s', async (_name, feature) => {
    const read = await api.call('GET', `${concrete(feature.path)}?include_totals=true&per_page=10`);
    if (feature.answer === 'empty') {
      expect(read.statusCode).toBe(200);
      expect(read.json()).toEqual({ start: 0, limit: 10, length: 0, total: 0, [feature.listKey!]: [] });
      expect((await api.call('GET', concrete(feature.path))).json()).toEqual([]);
    } else if (feature.answer === 'off') {
      expect(read.json()).toEqual(feature.offBody);
      // Writing back what it reads is accepted; switching it on is not.
      expect((await api.call('PATCH', concrete(feature.path), { payload: feature.offBody })).statusCode).toBe(200);
      expect((await api.call('PATCH', concrete(feature.path), { payload: { enabled: true } })).json()).toMatchObject({ statusCode: 403, errorCode: 'feature_not_enabled' });
    } else if (feature.answer === 'not-configured') {
      expect(read.json()).toMatchObject({ statusCode: 404, errorCode: 'not_found' });
    } else {
      expect(read.json()).toMatchObject({ statusCode: 403, error: 'Forbidden', errorCode: 'feature_not_enabled' });
      if (feature.answer === 'deprecated') expect(read.json().message).toContain('deprecated feature');
    }
    for (const method of ['POST', 'PUT', 'DELETE'] as const) {
      const write = await api.call(method, `${concrete(feature.path)}${method === 'DELETE' ? '/x' : ''}`, { payload: { name: 'x' } });
      expect(write.json(), `${method} ${feature.path}`).toMatchObject({ statusCode: 403, errorCode: 'feature_not_enabled' });
    }
    // The scope is checked first, as Auth0 does.
    const none = await tokenWithScopes(ctx(), ['read:clients']);
    expect((await api.call('GET', concrete(feature.path), { token: none })).json()).toMatchObject({ statusCode: 403, errorCode: 'insufficient_scope' });
  });
});
