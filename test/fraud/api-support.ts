import { expect, it } from 'vitest';
import { errorBody, type ManagementApi } from '../management/support.js';
import { tokenWithScopes } from '../support/harness.js';
import type { Ctx } from '../management/support.js';

export const READ = 'read:attack_protection';
export const UPDATE = 'update:attack_protection';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/**
 * The attack-protection routes take one scope each: a token with only the other attack-protection scope is
 * refused with 403 insufficient_scope, and one with the right scope alone is accepted.
 */
export function itNeedsScope(ctx: Ctx, api: ManagementApi, spec: { method: Method; path: () => string | Promise<string>; scope: typeof READ | typeof UPDATE; payload?: () => unknown; okStatus: number }) {
  const other = spec.scope === READ ? UPDATE : READ;
  it(`refuses a token with only ${other} (403 insufficient_scope), accepts one with only ${spec.scope}`, async () => {
    const wrong = await tokenWithScopes(ctx(), [other]);
    const refused = await api.call(spec.method, await spec.path(), { token: wrong, ...(spec.payload ? { payload: spec.payload() } : {}) });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toEqual(errorBody(403, 'Forbidden', 'insufficient_scope', `Insufficient scope, expected any of: ${spec.scope}`));
    const right = await tokenWithScopes(ctx(), [spec.scope]);
    const accepted = await api.call(spec.method, await spec.path(), { token: right, ...(spec.payload ? { payload: spec.payload() } : {}) });
    expect(accepted.statusCode).toBe(spec.okStatus);
  });
}
