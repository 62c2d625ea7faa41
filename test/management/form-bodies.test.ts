import { describe, expect, it } from 'vitest';
import { DIALECTS, managementToken, useTestContext } from '../support/harness.js';

/** Auth0 takes every Management API body as JSON or as a form; a form's strings are read as the schema's types. */
describe.each(DIALECTS)('form-encoded Management API bodies (%s)', (dialect) => {
  const ctx = useTestContext(dialect);

  const post = async (url: string, form: string, contentType = 'application/x-www-form-urlencoded') =>
    ctx().app.inject({
      method: 'POST',
      url,
      headers: { host: ctx().tenant.domain, authorization: `Bearer ${await managementToken(ctx())}`, 'content-type': contentType },
      payload: form,
    });

  it('reads booleans and single-value arrays from a form', async () => {
    const response = await post('/api/v2/clients', 'name=Form+App&app_type=non_interactive&is_first_party=false&grant_types=client_credentials');
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ name: 'Form App', is_first_party: false, grant_types: ['client_credentials'] });
  });

  it('reads repeated fields as an array', async () => {
    const client = (await post('/api/v2/clients', 'name=Grantee&app_type=non_interactive')).json();
    const form = new URLSearchParams([
      ['client_id', client.client_id],
      ['audience', ctx().tenant.managementAudience],
      ['scope', 'read:users'],
      ['scope', 'read:logs'],
    ]).toString();
    const response = await post('/api/v2/client-grants', form);
    expect(response.statusCode).toBe(201);
    expect(response.json().scope).toEqual(['read:users', 'read:logs']);
  });

  it('still refuses unknown fields and values that are not of the type, and writes nothing', async () => {
    const before = (await ctx().services.clients.list(ctx().tenant, {}, { offset: 0, limit: 100 }, true)).total;
    const unknown = await post('/api/v2/clients', 'name=X&colour=blue');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ errorCode: 'invalid_body', message: "Payload validation error: 'Additional properties not allowed: colour'." });
    const notBoolean = await post('/api/v2/clients', 'name=X&is_first_party=perhaps');
    expect(notBoolean.statusCode).toBe(400);
    expect(notBoolean.json().errorCode).toBe('invalid_body');
    expect((await ctx().services.clients.list(ctx().tenant, {}, { offset: 0, limit: 100 }, true)).total).toBe(before);
  });

  it('does not coerce JSON: a string where a boolean belongs is a 400', async () => {
    const response = await post('/api/v2/clients', JSON.stringify({ name: 'X', is_first_party: 'false' }), 'application/json');
    expect(response.statusCode).toBe(400);
    expect(response.json().errorCode).toBe('invalid_body');
  });
});
