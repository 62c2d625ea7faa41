import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load.js';

const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadConfig(env, '/srv');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('configuration', () => {
  it('defaults to embedded mode under ./data on port 3000', () => {
    const config = loadConfig({}, '/srv');
    expect(config.database).toEqual({ dialect: 'sqlite', file: '/srv/data/guardline.db' });
    expect(config.embedded).toBe(true);
    expect(config.port).toBe(3000);
    expect(config.publicUrl.href).toBe('http://localhost:3000/');
    expect(config.baseDomain).toBe('localhost');
    expect(config.host).toBe('127.0.0.1');
    expect(config.secretKey).toBeUndefined();
    expect(config.defaultTenant).toBe('default');
    expect(config.trustProxy).toBe(false);
  });

  it('reads GUARDLINE_TRUST_PROXY as true or a list of proxy addresses', () => {
    expect(loadConfig({ GUARDLINE_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ GUARDLINE_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy).toBe('10.0.0.0/8, 127.0.0.1');
    expect(problemsOf({ GUARDLINE_TRUST_PROXY: 'yes please' })).toEqual(['GUARDLINE_TRUST_PROXY: `true`, `false`, or a comma-separated list of IP addresses/CIDRs']);
  });

  it('reads PostgreSQL, the secret key (hex or base64), TLS files and bootstrap credentials', () => {
    const hex = 'ab'.repeat(32);
    const config = loadConfig(
      {
        GUARDLINE_DATABASE_URL: 'postgres://u:p@db:5432/guardline',
        GUARDLINE_SECRET_KEY: hex,
        GUARDLINE_TLS_CERT: 'c.pem',
        GUARDLINE_TLS_KEY: 'k.pem',
        GUARDLINE_PUBLIC_URL: 'https://auth.example.com',
        GUARDLINE_BOOTSTRAP_CLIENT_ID: 'ci-admin-client',
        GUARDLINE_BOOTSTRAP_CLIENT_SECRET: 'a-long-enough-secret-0123456789abcdef',
      },
      '/srv',
    );
    expect(config.database).toEqual({ dialect: 'postgres', url: 'postgres://u:p@db:5432/guardline' });
    expect(config.embedded).toBe(false);
    expect(config.secretKey?.toString('hex')).toBe(hex);
    expect(config.tls).toEqual({ certFile: '/srv/c.pem', keyFile: '/srv/k.pem' });
    expect(config.baseDomain).toBe('auth.example.com');
    expect(config.bootstrapClient).toEqual({ clientId: 'ci-admin-client', clientSecret: 'a-long-enough-secret-0123456789abcdef' });
    expect(loadConfig({ GUARDLINE_DATABASE_URL: 'postgres://x/y', GUARDLINE_SECRET_KEY: Buffer.alloc(32, 7).toString('base64') }).secretKey).toEqual(Buffer.alloc(32, 7));
  });

  it('reports every bad value at once, one clear line each', () => {
    const problems = problemsOf({
      GUARDLINE_PORT: '70000',
      GUARDLINE_DATABASE_URL: 'postgres://db/x',
      GUARDLINE_SECRET_KEY: 'short',
      GUARDLINE_PUBLIC_URL: 'https://auth.example.com/path',
      GUARDLINE_BOOTSTRAP_CLIENT_ID: 'only-the-id',
      GUARDLINE_REDIS_URL: 'http://cache',
      GUARDLINE_REDIS_KEY_PREFIX: 'has spaces',
      GUARDLINE_LOG_LEVEL: 'loud',
      GUARDLINE_DEFAULT_TENANT: 'Not_Valid',
    });
    expect(problems).toEqual([
      'GUARDLINE_PORT: "70000" is not a port number (0–65535; 0 picks a free port)',
      'GUARDLINE_SECRET_KEY: must be 32 bytes, as 64 hex characters or base64 (e.g. `openssl rand -hex 32`)',
      'GUARDLINE_PUBLIC_URL: "https://auth.example.com/path" must be an http(s) origin without a path, e.g. https://auth.example.com',
      'GUARDLINE_DEFAULT_TENANT: lower-case letters, digits and hyphens, 1–63 characters',
      'GUARDLINE_BOOTSTRAP_CLIENT_ID and GUARDLINE_BOOTSTRAP_CLIENT_SECRET must be set together',
      'GUARDLINE_REDIS_URL: must start with redis:// or rediss://',
      'GUARDLINE_REDIS_KEY_PREFIX: letters, digits and `:_.-`, 1 to 64 characters',
      'GUARDLINE_LOG_LEVEL: "loud" is not one of fatal, error, warn, info, debug, trace, silent',
    ]);
  });

  it('refuses an operator-chosen bootstrap secret shorter than 32 or longer than 512 characters', () => {
    const id = { GUARDLINE_BOOTSTRAP_CLIENT_ID: 'ci-admin-client' };
    const problem =
      'GUARDLINE_BOOTSTRAP_CLIENT_SECRET: must be 32–512 random characters (e.g. `openssl rand -hex 32`): it is checked with a fast keyed hash, so its length is its strength. ' +
      'If the application already exists with a shorter secret, rotate it (POST /api/v2/clients/{id}/rotate-secret) and put the new one here';
    // 31 characters (the old minimum was 16) and 513 are refused; 32 and 512 are accepted.
    expect(problemsOf({ ...id, GUARDLINE_BOOTSTRAP_CLIENT_SECRET: 'x'.repeat(31) })).toEqual([problem]);
    expect(problemsOf({ ...id, GUARDLINE_BOOTSTRAP_CLIENT_SECRET: 'ci-admin-secret-0123' })).toEqual([problem]);
    expect(problemsOf({ ...id, GUARDLINE_BOOTSTRAP_CLIENT_SECRET: 'x'.repeat(513) })).toEqual([problem]);
    expect(loadConfig({ ...id, GUARDLINE_BOOTSTRAP_CLIENT_SECRET: 'x'.repeat(32) }).bootstrapClient?.clientSecret).toHaveLength(32);
    expect(loadConfig({ ...id, GUARDLINE_BOOTSTRAP_CLIENT_SECRET: 'x'.repeat(512) }).bootstrapClient?.clientSecret).toHaveLength(512);
  });

  it('keys Redis under guardline:limit: unless another prefix is chosen', () => {
    expect(loadConfig({}).redisKeyPrefix).toBe('guardline:limit:');
    expect(loadConfig({ GUARDLINE_REDIS_KEY_PREFIX: 'staging:gl:' }).redisKeyPrefix).toBe('staging:gl:');
  });

  it('requires a secret key with PostgreSQL', () => {
    expect(problemsOf({ GUARDLINE_DATABASE_URL: 'postgres://db/x' })).toEqual([
      'GUARDLINE_SECRET_KEY: required with PostgreSQL (generate one with `openssl rand -hex 32`)',
    ]);
  });

  it('reads the built-in provider upstream only when complete and well-formed', () => {
    const sid = `AC${'0123456789abcdef'.repeat(2)}`;
    const complete = { GUARDLINE_BUILTIN_SMS_TWILIO_ACCOUNT_SID: sid, GUARDLINE_BUILTIN_SMS_TWILIO_AUTH_TOKEN: 'token', GUARDLINE_BUILTIN_SMS_TWILIO_FROM: '+14155550100' };
    expect(loadConfig({}).builtinSmsUpstream).toBeUndefined();
    expect(loadConfig(complete).builtinSmsUpstream).toEqual({ accountSid: sid, authToken: 'token', from: '+14155550100', apiUrl: 'https://api.twilio.com' });
    const service = `MG${'f'.repeat(32)}`;
    expect(loadConfig({ ...complete, GUARDLINE_BUILTIN_SMS_TWILIO_FROM: service, GUARDLINE_BUILTIN_SMS_TWILIO_API_URL: 'http://127.0.0.1:8080/' }).builtinSmsUpstream).toEqual({
      accountSid: sid,
      authToken: 'token',
      from: service,
      apiUrl: 'http://127.0.0.1:8080',
    });
    const together =
      'GUARDLINE_BUILTIN_SMS_TWILIO_ACCOUNT_SID, GUARDLINE_BUILTIN_SMS_TWILIO_AUTH_TOKEN and GUARDLINE_BUILTIN_SMS_TWILIO_FROM must be set together (GUARDLINE_BUILTIN_SMS_TWILIO_API_URL only with them)';
    expect(problemsOf({ GUARDLINE_BUILTIN_SMS_TWILIO_ACCOUNT_SID: sid })).toEqual([together]);
    expect(problemsOf({ GUARDLINE_BUILTIN_SMS_TWILIO_API_URL: 'http://127.0.0.1:8080' })).toEqual([together]);
    expect(problemsOf({ ...complete, GUARDLINE_BUILTIN_SMS_TWILIO_AUTH_TOKEN: '' })).toEqual([together]);
    expect(problemsOf({ ...complete, GUARDLINE_BUILTIN_SMS_TWILIO_ACCOUNT_SID: 'AC123' })).toEqual([
      'GUARDLINE_BUILTIN_SMS_TWILIO_ACCOUNT_SID: a Twilio Account SID (AC followed by 32 hex characters)',
    ]);
    for (const from of ['4155550100', '+0123', `MG${'f'.repeat(31)}`, 'Guardline']) {
      expect(problemsOf({ ...complete, GUARDLINE_BUILTIN_SMS_TWILIO_FROM: from })).toEqual([
        'GUARDLINE_BUILTIN_SMS_TWILIO_FROM: an E.164 number (+14155550100) or a Messaging Service SID (MG…)',
      ]);
    }
    expect(problemsOf({ ...complete, GUARDLINE_BUILTIN_SMS_TWILIO_API_URL: 'https://api.twilio.com/2010-04-01' })).toEqual([
      'GUARDLINE_BUILTIN_SMS_TWILIO_API_URL: an http(s) origin without a path',
    ]);
  });

  it('reads an optional JSON file, with the environment winning, and refuses unknown keys', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'guardline-config-'));
    const file = path.join(dir, 'guardline.json');
    writeFileSync(file, JSON.stringify({ GUARDLINE_PORT: 4000, GUARDLINE_DEFAULT_TENANT: 'main' }));
    const config = loadConfig({ GUARDLINE_CONFIG_FILE: file, GUARDLINE_PORT: '5000' });
    expect(config.port).toBe(5000);
    expect(config.defaultTenant).toBe('main');
    writeFileSync(file, JSON.stringify({ GUARDLINE_PROT: 1 }));
    expect(problemsOf({ GUARDLINE_CONFIG_FILE: file })).toEqual(['GUARDLINE_CONFIG_FILE: unknown key "GUARDLINE_PROT"']);
    writeFileSync(file, '{not json');
    expect(problemsOf({ GUARDLINE_CONFIG_FILE: file })[0]).toMatch(/^GUARDLINE_CONFIG_FILE: cannot read/);
  });
});
