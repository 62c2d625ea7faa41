import { Value } from '@sinclair/typebox/value';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { twilioConfigProblem, twilioConfigSchema, twilioProvider } from '../../src/delivery/providers/twilio.js';
import { FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN, FAKE_FROM, FAKE_MESSAGING_SERVICE_SID } from '../support/fakes/twilio-api.js';

/** The Twilio provider's definition: its configuration schema, the voice-needs-From rule, dashboard metadata. */

const ajv = new Ajv({ allErrors: true });
const validate = ajv.compile(twilioConfigSchema);

describe('Twilio configuration', () => {
  const valid = { sid: FAKE_ACCOUNT_SID, auth_token: FAKE_AUTH_TOKEN, from: FAKE_FROM };

  it('accepts a SID, a token and a From number and/or a Messaging Service SID', () => {
    for (const config of [valid, { ...valid, from: undefined, messaging_service_sid: FAKE_MESSAGING_SERVICE_SID }, { ...valid, messaging_service_sid: FAKE_MESSAGING_SERVICE_SID }]) {
      expect(validate(JSON.parse(JSON.stringify(config)))).toBe(true);
      expect(Value.Check(twilioConfigSchema, JSON.parse(JSON.stringify(config)))).toBe(true);
    }
  });

  it.each([
    ['a SID that is not AC + 32 hex', { ...valid, sid: 'AC123' }, '/sid'],
    ['a Messaging Service SID as account', { ...valid, sid: FAKE_MESSAGING_SERVICE_SID }, '/sid'],
    ['an empty token', { ...valid, auth_token: '' }, '/auth_token'],
    ['a From number not in E.164', { ...valid, from: '0312345678' }, '/from'],
    ['a From number with spaces', { ...valid, from: '+1 415 555 0100' }, '/from'],
    ['a Messaging Service SID that is not MG + 32 hex', { ...valid, messaging_service_sid: 'MG42' }, '/messaging_service_sid'],
  ])('refuses %s', (_what, config, path) => {
    expect(validate(config)).toBe(false);
    expect(validate.errors?.map((error) => error.instancePath)).toContain(path);
  });

  it('refuses a missing SID or token and unknown properties', () => {
    expect(validate({ auth_token: FAKE_AUTH_TOKEN, from: FAKE_FROM })).toBe(false);
    expect(validate({ sid: FAKE_ACCOUNT_SID, from: FAKE_FROM })).toBe(false);
    expect(validate({ ...valid, default_from: FAKE_FROM })).toBe(false);
  });
});

describe('twilioConfigProblem', () => {
  it('voice always needs a From number, even with a Messaging Service', () => {
    const voice = 'Voice calls through Twilio need a From number: set from to a voice-capable Twilio number in E.164 format (a Messaging Service only sends SMS).';
    expect(twilioConfigProblem({ messaging_service_sid: FAKE_MESSAGING_SERVICE_SID }, ['sms', 'voice'])).toBe(voice);
    expect(twilioConfigProblem({ messaging_service_sid: FAKE_MESSAGING_SERVICE_SID }, ['voice'])).toBe(voice);
    expect(twilioConfigProblem({ from: null, messaging_service_sid: FAKE_MESSAGING_SERVICE_SID }, ['voice'])).toBe(voice);
    expect(twilioConfigProblem({}, ['voice'])).toBe(voice);
  });

  it('SMS needs a From number or a Messaging Service', () => {
    expect(twilioConfigProblem({}, ['sms'])).toMatch(/^Twilio needs a sender: set from .* or messaging_service_sid/);
    expect(twilioConfigProblem({}, [])).toMatch(/^Twilio needs a sender/);
  });

  it('is satisfied by what each channel needs', () => {
    expect(twilioConfigProblem({ messaging_service_sid: FAKE_MESSAGING_SERVICE_SID }, ['sms'])).toBeUndefined();
    expect(twilioConfigProblem({ from: FAKE_FROM }, ['sms', 'voice'])).toBeUndefined();
    expect(twilioConfigProblem({ from: FAKE_FROM, messaging_service_sid: FAKE_MESSAGING_SERVICE_SID }, ['voice'])).toBeUndefined();
  });
});

describe('the Twilio provider definition', () => {
  it('is twilio, for SMS and voice, with receipts and its own base URL setting', () => {
    expect(twilioProvider).toMatchObject({
      id: 'twilio',
      channels: ['sms', 'voice'],
      receipts: true,
      defaultBaseUrl: 'https://api.twilio.com',
      baseUrlSetting: 'GUARDLINE_TWILIO_BASE_URL',
    });
  });

  it('describes every config property, in order, in English and Japanese; only the token is secret', () => {
    expect(twilioProvider.fields.map((field) => field.name)).toEqual(Object.keys(twilioConfigSchema.properties));
    for (const field of twilioProvider.fields) {
      for (const words of [field.label, field.description!]) {
        expect(words.en.length).toBeGreaterThan(0);
        expect(words.ja).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
      }
    }
    expect(twilioProvider.fields.filter((field) => field.secret).map((field) => field.name)).toEqual(['auth_token']);
    expect(twilioProvider.fields.filter((field) => field.required).map((field) => field.name)).toEqual(twilioConfigSchema.required);
  });
});
