import { describe, expect, it } from 'vitest';
import { DIALECTS, tokenWithScopes, useTestContext } from '../support/harness.js';
import { acmeToken, managementApi } from './support.js';

describe.each(DIALECTS)('Management API: custom domains (%s)', (dialect) => {
  const ctx = useTestContext(dialect);
  const api = managementApi(ctx);

  it('maps a host to the tenant (self-managed TLS, ready at once), serves the tenant there, and unmaps it', async () => {
    expect((await api.call('GET', '/custom-domains')).json()).toEqual([]);
    const created = await api.call('POST', '/custom-domains', { payload: { domain: 'Login.Example.COM', type: 'self_managed_certs' } });
    expect(created.statusCode, created.body).toBe(201);
    const domain = created.json();
    expect(domain).toEqual({ custom_domain_id: expect.stringMatching(/^cd_[A-Za-z0-9_-]{16}$/), domain: 'login.example.com', primary: true, status: 'ready', type: 'self_managed_certs', tls_policy: 'recommended' });
    expect((await api.call('GET', '/custom-domains')).json()).toEqual([domain]);
    expect((await api.call('GET', `/custom-domains/${domain.custom_domain_id}`)).json()).toEqual(domain);
    // The tenant answers at its new host.
    expect((await api.call('GET', '/tenants/settings', { host: 'login.example.com' })).statusCode).toBe(200);
    expect((await api.call('PATCH', `/custom-domains/${domain.custom_domain_id}`, { payload: { tls_policy: 'recommended', custom_client_ip_header: null } })).json()).toEqual(domain);

    const again = await api.call('POST', '/custom-domains', { payload: { domain: 'login.example.com', type: 'self_managed_certs' } });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ errorCode: 'custom_domain_exists' });
    // Another tenant cannot read or remove it.
    const acme = await acmeToken(ctx);
    const theirs = { token: acme.token, host: acme.tenant.domain };
    expect((await api.call('GET', '/custom-domains', theirs)).json()).toEqual([]);
    expect((await api.call('DELETE', `/custom-domains/${domain.custom_domain_id}`, theirs)).json()).toMatchObject({ statusCode: 404, errorCode: 'inexistent_custom_domain' });

    expect((await api.call('DELETE', `/custom-domains/${domain.custom_domain_id}`)).statusCode).toBe(204);
    expect((await api.call('GET', '/custom-domains')).json()).toEqual([]);
    expect((await api.call('GET', `/custom-domains/${domain.custom_domain_id}`)).statusCode).toBe(404);
  });

  it('refuses what Guardline cannot do, and checks scopes', async () => {
    const cases: Array<[string, unknown]> = [
      ['POST', { domain: 'a.example.com', type: 'auth0_managed_certs' }],
      ['POST', { domain: 'not a host', type: 'self_managed_certs' }],
      ['POST', { domain: 'a.example.com', type: 'self_managed_certs', custom_client_ip_header: 'cf-connecting-ip' }],
    ];
    for (const [method, payload] of cases) {
      const response = await api.call(method as 'POST', '/custom-domains', { payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    }
    expect((await api.call('GET', '/custom-domains')).json()).toEqual([]);
    const readOnly = await tokenWithScopes(ctx(), ['read:custom_domains']);
    expect((await api.call('GET', '/custom-domains', { token: readOnly })).statusCode).toBe(200);
    expect((await api.call('POST', '/custom-domains', { token: readOnly, payload: { domain: 'b.example.com', type: 'self_managed_certs' } })).json()).toMatchObject({ statusCode: 403, errorCode: 'insufficient_scope' });
  });
});
