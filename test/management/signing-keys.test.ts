import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { DIALECTS, managementToken, tokenWithScopes, useTestContext } from '../support/harness.js';
import { acmeToken, errorBody, itRejectsBadRequests, managementApi, storeSnapshot, waitForLog } from './support.js';

interface Key {
  kid: string;
  current: boolean;
  next: boolean;
  previous: boolean;
  revoked: boolean;
  current_since?: string;
  revoked_at?: string;
}

describe.each(DIALECTS)('Management API: signing keys (%s)', (dialect) => {
  const clock = new ManualClock('2026-04-01T00:00:00.000Z');
  const ctx = useTestContext(dialect, { clock });
  const api = managementApi(ctx);

  const keys = async () => {
    const response = await api.call('GET', '/keys/signing');
    expect(response.statusCode).toBe(200);
    return response.json() as Key[];
  };
  const withStatus = (list: Key[], status: 'current' | 'next' | 'previous' | 'revoked') => list.filter((k) => k[status]);

  describe('GET /keys/signing and /keys/signing/:kid', () => {
    it('lists one current and one next key in Auth0\'s shape, and gets each by kid', async () => {
      const list = await keys();
      expect(list).toHaveLength(2);
      const [current] = withStatus(list, 'current');
      const [next] = withStatus(list, 'next');
      expect(current).toEqual({ kid: current!.kid, current: true, next: false, previous: false, revoked: false, current_since: '2026-04-01T00:00:00.000Z' });
      expect(next).toEqual({ kid: next!.kid, current: false, next: true, previous: false, revoked: false });
      expect((await api.call('GET', `/keys/signing/${current!.kid}`)).json()).toEqual(current);
    });

    it('answers 404 inexistent_signing_key for an unknown kid and for another tenant\'s key', async () => {
      const missing = await api.call('GET', '/keys/signing/nope');
      expect(missing.json()).toEqual(errorBody(404, 'Not Found', 'inexistent_signing_key', 'Signing key not found'));
      const [current] = withStatus(await keys(), 'current');
      const acme = await acmeToken(ctx);
      const foreign = await api.call('GET', `/keys/signing/${current!.kid}`, { token: acme.token, host: acme.tenant.domain });
      expect(foreign.statusCode).toBe(404);
    });

    itRejectsBadRequests(ctx, api, clock, { method: 'GET', path: () => '/keys/signing', scopes: ['read:signing_keys'] });
    itRejectsBadRequests(ctx, api, clock, {
      method: 'GET',
      path: async () => `/keys/signing/${withStatus(await keys(), 'current')[0]!.kid}`,
      scopes: ['read:signing_keys'],
    });
  });

  describe('POST /keys/signing/rotate and PUT /keys/signing/:kid/revoke', () => {
    it('rotates (next → current → previous) and revokes the previous key, which then stops verifying', async () => {
      const oldToken = await api.adminToken();
      const before = await keys();
      const [oldCurrent] = withStatus(before, 'current');
      const [oldNext] = withStatus(before, 'next');
      clock.advance(60_000);

      const rotated = await api.call('POST', '/keys/signing/rotate');
      expect(rotated.statusCode).toBe(201);
      expect(rotated.json()).toEqual({ kid: oldNext!.kid });
      const after = await keys();
      expect(withStatus(after, 'current').map((k) => k.kid)).toEqual([oldNext!.kid]);
      expect(withStatus(after, 'current')[0]!.current_since).toBe(clock.now().toISOString());
      expect(withStatus(after, 'previous').map((k) => k.kid)).toEqual([oldCurrent!.kid]);
      const [freshNext] = withStatus(after, 'next');
      expect([oldCurrent!.kid, oldNext!.kid]).not.toContain(freshNext!.kid);

      // A token signed by the now-previous key still works until that key is revoked.
      expect((await api.call('GET', '/keys/signing', { token: oldToken })).statusCode).toBe(200);
      const newToken = await managementToken(ctx());
      const revoked = await api.call('PUT', `/keys/signing/${oldCurrent!.kid}/revoke`, { token: newToken });
      expect(revoked.statusCode).toBe(200);
      expect(revoked.json()).toEqual({ kid: oldCurrent!.kid });
      api.forgetToken();
      expect((await api.call('GET', `/keys/signing/${oldCurrent!.kid}`)).json()).toMatchObject({
        previous: false,
        revoked: true,
        revoked_at: clock.now().toISOString(),
      });
      const refused = await api.call('GET', '/keys/signing', { token: oldToken });
      expect(refused.json()).toEqual(errorBody(401, 'Unauthorized', 'invalid_token', 'Invalid token'));
      await waitForLog(api, 'type:sapi', (e) => e.description === 'Rotate the Application Signing Key');
      await waitForLog(api, 'type:sapi', (e) => e.description === 'Revoke an Application Signing Key by its key id');
    });

    it('refuses to revoke the current or next key, changing nothing, and 404s an unknown kid', async () => {
      const list = await keys();
      const before = await storeSnapshot(ctx);
      for (const key of [...withStatus(list, 'current'), ...withStatus(list, 'next')]) {
        const response = await api.call('PUT', `/keys/signing/${key.kid}/revoke`);
        expect(response.json()).toEqual(errorBody(400, 'Bad Request', 'invalid_body', 'Only a previous signing key can be revoked; rotate first'));
      }
      expect(await storeSnapshot(ctx)).toEqual(before);
      expect((await api.call('PUT', '/keys/signing/nope/revoke')).json().errorCode).toBe('inexistent_signing_key');
    });

    it('lets either create:signing_keys or update:signing_keys rotate (Auth0 wants both; Guardline checks "any of")', async () => {
      for (const scope of ['create:signing_keys', 'update:signing_keys']) {
        const token = await tokenWithScopes(ctx(), [scope]);
        expect((await api.call('POST', '/keys/signing/rotate', { token })).statusCode, scope).toBe(201);
      }
    });

    it('rotates only the calling tenant\'s keys', async () => {
      const acme = await acmeToken(ctx);
      const acmeKeys = async () => (await api.call('GET', '/keys/signing', { token: acme.token, host: acme.tenant.domain })).json() as Key[];
      const before = await acmeKeys();
      expect((await api.call('POST', '/keys/signing/rotate')).statusCode).toBe(201);
      expect(await acmeKeys()).toEqual(before);
    });

    itRejectsBadRequests(ctx, api, clock, {
      method: 'POST',
      path: () => '/keys/signing/rotate',
      scopes: ['create:signing_keys', 'update:signing_keys'],
    });
    itRejectsBadRequests(ctx, api, clock, {
      method: 'PUT',
      path: async () => `/keys/signing/${withStatus(await keys(), 'current')[0]!.kid}/revoke`,
      scopes: ['update:signing_keys'],
    });
  });
});
