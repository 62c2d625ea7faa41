import { Migrator, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { loadConfig, ConfigError } from '../../src/config/load.js';
import { CONFIG_OPTIONS } from '../../src/config/schema.js';
import { createProviderRegistry, shippedProviders } from '../../src/delivery/registry.js';
import { migrationProvider } from '../../src/store/migrations/index.js';
import { DIALECTS, openTestDatabase, useTestContext } from '../support/harness.js';
import { errorBody, managementApi } from '../management/support.js';
import { fakeSmsProvider } from '../support/fakes/fake-sms-provider.js';

describe('the provider registry', () => {
  const voice = fakeSmsProvider('talker');
  const textOnly = fakeSmsProvider('texter', { channels: ['sms'] });

  it('decides voice support from a definition\'s channels, never from its name', () => {
    const registry = createProviderRegistry([voice, textOnly]);
    expect(registry.supports('talker', 'voice')).toBe(true);
    expect(registry.supports('texter', 'voice')).toBe(false);
    expect(registry.supports('texter', 'sms')).toBe(true);
    expect(registry.supports('twilio-but-unknown', 'voice')).toBe(false);
    expect(registry.list().map((d) => d.id)).toEqual(['talker', 'texter']);
  });

  it('takes a base URL from its setting, else the default, without a trailing slash; refuses two definitions with one id', () => {
    const registry = createProviderRegistry([voice], { [voice.baseUrlSetting]: 'http://127.0.0.1:1234/' });
    expect(registry.baseUrl(voice)).toBe('http://127.0.0.1:1234');
    expect(createProviderRegistry([voice]).baseUrl(voice)).toBe(voice.defaultBaseUrl);
    expect(() => createProviderRegistry([voice, fakeSmsProvider('talker')])).toThrow('two delivery providers share the id talker');
  });

  it('reads the base URL settings, the budget and the concurrency from the configuration, reporting bad values', () => {
    const config = loadConfig({ GUARDLINE_TWILIO_BASE_URL: 'http://127.0.0.1:9999/', GUARDLINE_DELIVERY_BUDGET_MS: '2500', GUARDLINE_DELIVERY_CONCURRENCY: '4' }, '/srv');
    expect(config.providerBaseUrls).toEqual({ GUARDLINE_TWILIO_BASE_URL: 'http://127.0.0.1:9999' });
    expect(config.delivery).toEqual({ budgetMs: 2500, concurrency: 4 });
    expect(loadConfig({}, '/srv').delivery).toEqual({ budgetMs: 5000, concurrency: 20 });
    let problems: string[] = [];
    try {
      loadConfig({ GUARDLINE_TWILIO_BASE_URL: 'ftp://x/y', GUARDLINE_DELIVERY_BUDGET_MS: '50', GUARDLINE_DELIVERY_CONCURRENCY: 'many' }, '/srv');
    } catch (err) {
      problems = (err as ConfigError).problems;
    }
    expect(problems).toEqual([
      'GUARDLINE_TWILIO_BASE_URL: an http(s) origin without a path, e.g. https://api.example.com',
      'GUARDLINE_DELIVERY_BUDGET_MS: "50" must be an integer from 100 to 60000',
      'GUARDLINE_DELIVERY_CONCURRENCY: "many" must be an integer from 1 to 1000',
    ]);
  });

  it("lists every shipped provider once, each with its base URL setting in the configuration schema (so docs/configuration.md has it)", () => {
    const shipped = shippedProviders({ devInbox: async () => 'x', upstream: undefined, fetch });
    expect(shipped.map((d) => d.id)).toEqual(['auth0', 'twilio', 'sns', 'vonage', 'infobip', 'telesign', 'esendex', 'clicksend', 'mitto', 'custom']);
    const settings = new Set<string>(CONFIG_OPTIONS.map((o) => o.env));
    // `custom` is the tenant's own action (docs/actions.md): it has no vendor API of its own.
    for (const definition of shipped.filter((d) => d.id !== 'custom')) expect(settings.has(definition.baseUrlSetting), definition.baseUrlSetting).toBe(true);
    const registry = createProviderRegistry(shipped);
    expect(registry.supports('twilio', 'voice')).toBe(true);
    expect(shipped.filter((d) => d.channels.includes('voice')).map((d) => d.id)).toEqual(shipped.filter((d) => registry.supports(d.id, 'voice')).map((d) => d.id));
  });
});

describe.each(DIALECTS)('provider configuration storage (%s)', (dialect) => {
  it("0005 moves a tenant's guardian_settings.twilio_* into a twilio provider configuration (and 0005's down puts the schema back)", async () => {
    const { handle, drop } = await openTestDatabase(dialect);
    try {
      let migrationTableSchema: string | undefined;
      if (dialect === 'postgres') migrationTableSchema = (await sql<{ s: string }>`select current_schema() as s`.execute(handle.db)).rows[0]!.s;
      const migrator = new Migrator({ db: handle.db, provider: migrationProvider, ...(migrationTableSchema ? { migrationTableSchema } : {}) });
      const down = await migrator.migrateTo('0004_config_version');
      expect(down.error).toBeUndefined();
      const at = '2026-01-01T00:00:00.000Z';
      const db = handle.db as never as import('kysely').Kysely<Record<string, Record<string, unknown>>>;
      await db.insertInto('tenants').values({ id: 'ten_1', name: 'one', friendly_name: 'One', default_locale: 'en', supported_locales: '["en"]', created_at: at, updated_at: at }).execute();
      await db.insertInto('tenants').values({ id: 'ten_2', name: 'two', friendly_name: 'Two', default_locale: 'en', supported_locales: '["en"]', created_at: at, updated_at: at }).execute();
      const settings = (tenant: string, twilio: Record<string, string | null>) => ({
        tenant_id: tenant, mfa_policies: '[]', phone_message_types: '["sms"]', phone_provider: 'twilio', enrollment_template: null, verification_template: null,
        otp_length: 6, otp_lifetime_seconds: 300, twilio_sid: null, twilio_from: null, twilio_messaging_service_sid: null, twilio_auth_token_sealed: null,
        test_numbers: '[]', builtin_messages_sent: 0, updated_at: at, ...twilio,
      });
      await db.insertInto('guardian_settings').values(settings('ten_1', { twilio_sid: 'AC1', twilio_from: '+14155550100', twilio_auth_token_sealed: 'v1.sealed' })).execute();
      await db.insertInto('guardian_settings').values(settings('ten_2', {})).execute();
      const up = await migrator.migrateToLatest();
      expect(up.error).toBeUndefined();
      const rows = await handle.db.selectFrom('provider_configs').selectAll().execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ tenant_id: 'ten_1', provider: 'twilio', enabled: 1, position: 0, countries: null, channels: null });
      expect(rows[0]!.id).toMatch(/^pro_[A-Za-z0-9]{16}$/);
      expect(JSON.parse(rows[0]!.config)).toEqual({ sid: 'AC1', auth_token: 'v1.sealed', from: '+14155550100' });
      expect((await migrator.migrateTo('0004_config_version')).error).toBeUndefined();
      expect((await migrator.migrateToLatest()).error).toBeUndefined();
    } finally {
      await drop();
    }
  });
});

describe.each(DIALECTS)('Twilio through the guardian endpoints: voice needs a From number (%s)', (dialect) => {
  const ctx = useTestContext(dialect);
  const api = managementApi(ctx);
  const PHONE = '/guardian/factors/phone/providers/twilio';
  const TYPES = '/guardian/factors/phone/message-types';
  const NEEDS_FROM = 'Voice calls through Twilio need a From number: set from to a voice-capable Twilio number in E.164 format (a Messaging Service only sends SMS).';

  it('refuses Twilio settings without From while voice is enabled, and enabling voice while the Twilio settings have no From', async () => {
    expect((await api.call('PUT', PHONE, { payload: { sid: 'AC1', auth_token: 'token-0123456789', messaging_service_sid: 'MG1' } })).statusCode).toBe(200);
    const enabling = await api.call('PUT', TYPES, { payload: { message_types: ['sms', 'voice'] } });
    expect(enabling.json()).toEqual(errorBody(400, 'Bad Request', 'invalid_body', NEEDS_FROM));
    expect((await api.call('PUT', PHONE, { payload: { sid: 'AC1', auth_token: 'token-0123456789', messaging_service_sid: 'MG1', from: '+14155550100' } })).statusCode).toBe(200);
    expect((await api.call('PUT', TYPES, { payload: { message_types: ['sms', 'voice'] } })).statusCode).toBe(200);
    const dropping = await api.call('PUT', PHONE, { payload: { sid: 'AC1', auth_token: 'token-0123456789', messaging_service_sid: 'MG1' } });
    expect(dropping.json()).toEqual(errorBody(400, 'Bad Request', 'invalid_body', NEEDS_FROM));
    expect((await api.call('GET', PHONE)).json()).toMatchObject({ from: '+14155550100' });
  });
});
