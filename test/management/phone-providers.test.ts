import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { US_MOBILE } from '../mfa/support.js';
import { DIALECTS, useTestContext } from '../support/harness.js';
import { FAKE_API_KEY } from '../support/fakes/fake-sms-provider.js';
import { FAKE_A, FAKE_B, startVendors } from '../delivery/support.js';
import { errorBody, itRejectsBadRequests, managementApi, storeSnapshot } from './support.js';

const vendors = await startVendors();
afterAll(() => vendors.close());

const PROVIDERS = '/branding/phone/providers';
const body = (extra: Record<string, unknown> = {}) => ({ name: 'fake-a', configuration: { from: 'Guardline', delivery_methods: ['text'] }, credentials: { api_key: FAKE_API_KEY }, ...extra });

describe.each(DIALECTS)('Management API: Unified Phone providers, one truth with the guardian endpoints (%s)', (dialect) => {
  const clock = new ManualClock();
  const ctx = useTestContext(dialect, { clock, providers: [FAKE_A, FAKE_B], providerBaseUrls: vendors.baseUrls });
  const api = managementApi(ctx);

  it('creates, lists, reads, patches and deletes a provider; secrets are never answered', async () => {
    const created = await api.call('POST', PROVIDERS, { payload: body() });
    expect(created.statusCode).toBe(201);
    const provider = created.json();
    expect(provider).toMatchObject({ id: expect.stringMatching(/^pro_[A-Za-z0-9]{16}$/), tenant: ctx().tenant.name, name: 'fake-a', channel: 'phone', disabled: false, configuration: { from: 'Guardline', delivery_methods: ['text'] } });
    // Alone and for every country, a provider reads exactly as in Auth0: no chain extensions.
    expect(provider).not.toHaveProperty('position');
    expect(provider).not.toHaveProperty('countries');
    expect(created.body).not.toContain(FAKE_API_KEY);
    expect(provider).not.toHaveProperty('credentials');
    const stored = await ctx().handle.db.selectFrom('provider_configs').selectAll().where('id', '=', provider.id).executeTakeFirstOrThrow();
    expect(stored.config).not.toContain(FAKE_API_KEY);
    expect((JSON.parse(stored.config) as { api_key: string }).api_key).toMatch(/^v1\./);
    // a tenant on the built-in provider now uses its configured providers
    expect((await api.call('GET', '/guardian/factors/phone/selected-provider')).json()).toEqual({ provider: 'twilio' });

    const second = (await api.call('POST', PROVIDERS, { payload: body({ name: 'fake-b', countries: ['jp'] }) })).json();
    const list = await api.call('GET', PROVIDERS);
    expect(list.json().providers.map((p: { id: string }) => p.id)).toEqual([provider.id, second.id]);
    const [firstInChain, secondInChain] = list.json().providers as Array<{ position: number; countries?: string[] }>;
    expect(second).toMatchObject({ position: firstInChain!.position + 1, countries: ['JP'] });
    expect(secondInChain).toMatchObject({ position: firstInChain!.position + 1, countries: ['JP'] });

    const patched = await api.call('PATCH', `${PROVIDERS}/${provider.id}`, { payload: { disabled: true, configuration: { from: 'Other' } } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ disabled: true, configuration: { from: 'Other', delivery_methods: ['text'] } });
    const reopened = await ctx().services.providerConfigs.openById(provider.id);
    expect(reopened!.config).toEqual({ from: 'Other', api_key: FAKE_API_KEY });
    expect((await api.call('GET', `${PROVIDERS}?disabled=true`)).json().providers.map((p: { id: string }) => p.id)).toEqual([provider.id]);
    expect((await api.call('GET', `${PROVIDERS}/${provider.id}`)).json()).toEqual(patched.json());

    const logs = await api.call('GET', '/logs?per_page=100');
    expect(logs.body).toContain(`phone/providers/${provider.id}`);
    expect(logs.body).not.toContain(FAKE_API_KEY);

    expect((await api.call('DELETE', `${PROVIDERS}/${provider.id}`)).statusCode).toBe(204);
    const gone = await api.call('GET', `${PROVIDERS}/${provider.id}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toEqual(errorBody(404, 'Not Found', 'inexistent_phone_provider', 'Phone provider has not been configured'));
    await api.call('DELETE', `${PROVIDERS}/${second.id}`);
  });

  it('validates the configuration with the provider definition\'s schema and refuses unknown providers, changing nothing', async () => {
    const before = await storeSnapshot(ctx);
    const cases: Array<[Record<string, unknown>, string]> = [
      [body({ credentials: { api_key: 'short' } }), 'configuration.api_key: Expected string length greater or equal to 8'],
      [body({ configuration: { delivery_methods: ['text'] } }), 'configuration.from: Expected required property'],
      [body({ name: 'carrier-pigeon' }), 'name: "carrier-pigeon" is not a delivery provider of this Guardline'],
      [body({ configuration: { from: 'G', delivery_methods: ['fax'] } }), 'configuration.delivery_methods: a non-empty list of "text" and "voice"'],
      [body({ countries: ['J1'] }), 'countries: "J1" is not an ISO 3166-1 alpha-2 code'],
    ];
    for (const [payload, message] of cases) {
      const response = await api.call('POST', PROVIDERS, { payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().message).toContain(message);
    }
    expect(await storeSnapshot(ctx)).toEqual(before);
  });

  it('POST /{id}/try sends a test message through the real send path: 202, a ledger row, an event', async () => {
    const provider = (await api.call('POST', PROVIDERS, { payload: body() })).json();
    const response = await api.call('POST', `${PROVIDERS}/${provider.id}/try`, { payload: { to: US_MOBILE } });
    expect(response.statusCode).toBe(202);
    const message = vendors.a.messages.at(-1)!;
    expect(message).toMatchObject({ to: US_MOBILE, channel: 'sms' });
    expect(message.text).toContain('test message');
    expect(response.json()).toEqual({ code: 202, message: expect.stringContaining(message.id) });
    const row = await ctx().handle.db.selectFrom('delivery_attempts').selectAll().where('provider_message_id', '=', message.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ purpose: 'test', provider_config_id: provider.id, destination: 'XXXXXXX2671' });

    vendors.a.next({ kind: 'fail', status: 400, code: 'invalid_number' }, 1);
    const refused = await api.call('POST', `${PROVIDERS}/${provider.id}/try`, { payload: { to: US_MOBILE } });
    expect(refused.json()).toEqual(errorBody(400, 'Bad Request', 'phone_provider_error', 'The provider refused the test message: Told to fail with 400 (invalid_number)'));
    const voice = await api.call('POST', `${PROVIDERS}/${provider.id}/try`, { payload: { to: US_MOBILE, delivery_method: 'voice' } });
    expect(voice.json()).toMatchObject({ errorCode: 'phone_provider_error', message: expect.stringContaining('does not carry voice') });
    expect((await api.call('POST', `${PROVIDERS}/pro_nope/try`, { payload: { to: US_MOBILE } })).statusCode).toBe(404);
    await api.call('DELETE', `${PROVIDERS}/${provider.id}`);
  });

  it("twilio in Auth0's Unified Phone shape is the same row the guardian Twilio endpoints read; voice without default_from is a 400", async () => {
    const sid = `AC${'ab'.repeat(16)}`;
    const mssid = `MG${'cd'.repeat(16)}`;
    const token = 'unified-twilio-token-0123456789';
    const created = await api.call('POST', PROVIDERS, { payload: { name: 'twilio', configuration: { sid, mssid, default_from: '+14155550100', delivery_methods: ['text', 'voice'] }, credentials: { auth_token: token } } });
    expect(created.statusCode).toBe(201);
    expect(created.json().configuration).toEqual({ sid, default_from: '+14155550100', mssid, delivery_methods: ['text', 'voice'] });
    expect(created.body).not.toContain(token);
    expect((await api.call('GET', '/guardian/factors/phone/providers/twilio')).json()).toEqual({ sid, from: '+14155550100', messaging_service_sid: mssid, auth_token: '****6789' });

    expect((await api.call('PUT', '/guardian/factors/phone/message-types', { payload: { message_types: ['sms', 'voice'] } })).statusCode).toBe(200);
    const before = await storeSnapshot(ctx);
    const noFrom = await api.call('POST', PROVIDERS, { payload: { name: 'twilio', configuration: { sid, mssid, delivery_methods: ['voice'] }, credentials: { auth_token: token } } });
    expect(noFrom.statusCode).toBe(400);
    expect(noFrom.json().message).toContain('Voice calls through Twilio need a From number');
    const missing = await api.call('POST', PROVIDERS, { payload: { name: 'twilio', configuration: { sid }, credentials: { auth_token: token } } });
    expect(missing.json().message).toBe('configuration: Missing required property: delivery_methods');
    expect(await storeSnapshot(ctx)).toEqual(before);
    await api.call('PUT', '/guardian/factors/phone/message-types', { payload: { message_types: ['sms'] } });
    await api.call('DELETE', `${PROVIDERS}/${created.json().id}`);
  });

  itRejectsBadRequests(ctx, api, clock, { method: 'GET', path: () => PROVIDERS, scopes: ['read:phone_providers'] });
  itRejectsBadRequests(ctx, api, clock, {
    method: 'POST',
    path: () => PROVIDERS,
    scopes: ['create:phone_providers'],
    body: { valid: () => body(), unknownField: { colour: 'blue' }, wrongType: { disabled: 'yes' } },
  });
});
