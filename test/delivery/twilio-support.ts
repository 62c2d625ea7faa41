import { afterAll, beforeAll } from 'vitest';
import type { ProviderInstance, ProviderMessage } from '../../src/delivery/kit.js';
import { twilioProvider, type TwilioConfig } from '../../src/delivery/providers/twilio.js';
import { FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN, FAKE_FROM, FAKE_MESSAGING_SERVICE_SID, startFakeTwilio, type FakeTwilio } from '../support/fakes/twilio-api.js';

/** Shared set-up of the Twilio provider tests: one strict fake per file, providers built on it, messages to send. */

export const TO = '+14155552671';

export const FROM_CONFIG: TwilioConfig = { sid: FAKE_ACCOUNT_SID, auth_token: FAKE_AUTH_TOKEN, from: FAKE_FROM };
export const SERVICE_CONFIG: TwilioConfig = { sid: FAKE_ACCOUNT_SID, auth_token: FAKE_AUTH_TOKEN, messaging_service_sid: FAKE_MESSAGING_SERVICE_SID };

export function message(overrides: Partial<ProviderMessage> = {}): ProviderMessage {
  return {
    tenant: { id: 'tenant-1', friendlyName: 'Acme' },
    user: { id: 'auth0|user-1', name: 'Ada' },
    client: { id: 'client-1', name: 'Acme App' },
    request: { ip: '203.0.113.7', language: 'en', userAgent: 'vitest', hostname: 'acme.example.com' },
    purpose: 'verification',
    channel: 'sms',
    to: TO,
    code: '123456',
    text: '123456 is your verification code for Acme',
    locale: 'en',
    statusCallbackUrl: undefined,
    ...overrides,
  };
}

/** Starts one fake for the file; `provider(config)` builds a Twilio instance on it with the real global fetch. */
export function useFakeTwilio() {
  const state: { fake: FakeTwilio } = { fake: undefined as unknown as FakeTwilio };
  beforeAll(async () => {
    state.fake = await startFakeTwilio();
  });
  afterAll(async () => {
    await state.fake.close();
  });
  return {
    get fake() {
      return state.fake;
    },
    provider(config: TwilioConfig = FROM_CONFIG, baseUrl = state.fake.url): ProviderInstance {
      return twilioProvider.create(config, { baseUrl, fetch });
    },
  };
}

export const budget = () => ({ signal: new AbortController().signal });
