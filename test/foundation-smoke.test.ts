import { describe, expect, it } from 'vitest';
import { DIALECTS, managementToken, tokenWithScopes, useTestContext } from './support/harness.js';

describe.each(DIALECTS)('foundation smoke (%s)', (dialect) => {
  const ctx = useTestContext(dialect);

  it('issues a management token and creates a client with it', async () => {
    const token = await managementToken(ctx());
    const response = await ctx().app.inject({
      method: 'POST',
      url: '/api/v2/clients',
      headers: { host: ctx().tenant.domain, authorization: `Bearer ${token}` },
      payload: { name: 'My App', app_type: 'regular_web' },
    });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body.client_secret).toMatch(/^[A-Za-z0-9]{64}$/);
    const fetched = await ctx().app.inject({
      method: 'GET',
      url: `/api/v2/clients/${body.client_id}`,
      headers: { host: ctx().tenant.domain, authorization: `Bearer ${token}` },
    });
    expect(fetched.statusCode).toBe(200);
    expect(fetched.json().client_secret).toBeUndefined();
    expect(fetched.json().name).toBe('My App');
  });

  it('answers 403 insufficient_scope to a token without the scope', async () => {
    const token = await tokenWithScopes(ctx(), ['read:logs']);
    const response = await ctx().app.inject({
      method: 'POST',
      url: '/api/v2/clients',
      headers: { host: ctx().tenant.domain, authorization: `Bearer ${token}` },
      payload: { name: 'x' },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: 'Insufficient scope, expected any of: create:clients',
      errorCode: 'insufficient_scope',
    });
  });

  it('rejects unknown fields with 400 invalid_body and writes nothing', async () => {
    const token = await managementToken(ctx());
    const response = await ctx().app.inject({
      method: 'POST',
      url: '/api/v2/clients',
      headers: { host: ctx().tenant.domain, authorization: `Bearer ${token}` },
      payload: { name: 'Nope', colour: 'blue' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ statusCode: 400, error: 'Bad Request', errorCode: 'invalid_body' });
    expect(response.json().message).toContain('colour');
    const list = await ctx().services.clients.list(ctx().tenant, {}, { offset: 0, limit: 100 }, false);
    expect(list.clients.map((c) => c.name)).not.toContain('Nope');
  });
});
