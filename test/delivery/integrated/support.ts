import { Value } from '@sinclair/typebox/value';
import { afterAll, afterEach, beforeEach, expect, it } from 'vitest';
import type { ProviderDefinition, ProviderInstance, ProviderMessage, SendOutcome } from '../../../src/delivery/kit.js';
import type { VendorFake } from '../../support/fakes/vendor-fake.js';

/** One OTP message as the delivery service hands it to a provider. */
export function otpMessage(overrides: Partial<ProviderMessage> = {}): ProviderMessage {
  const code = overrides.code ?? '482913';
  return {
    tenant: { id: 'tn_test', friendlyName: 'Test' },
    user: { id: 'auth0|user1', name: 'user1@example.com' },
    client: { id: 'client1', name: 'App' },
    request: { ip: '203.0.113.7', language: 'en', userAgent: 'test', hostname: 'login.example.com' },
    purpose: 'verification',
    channel: 'sms',
    to: '+447700900123',
    code,
    text: `${code} is your verification code for Test.`,
    locale: 'en',
    statusCallbackUrl: undefined,
    ...overrides,
  };
}

export const JAPANESE_TEXT = '482913 は Test の確認コードです。';

/** A signal that never aborts (the send's budget is not what these tests look at). */
export const noBudget = () => ({ signal: new AbortController().signal });

export function instance<S extends ProviderDefinition>(definition: S, config: unknown, baseUrl: string, fetchImpl: typeof fetch = fetch): ProviderInstance {
  if (!Value.Check(definition.configSchema, config)) throw new Error(`test config does not match ${definition.id}'s schema`);
  return definition.create(config as never, { baseUrl, fetch: fetchImpl });
}

export function failureOf(outcome: SendOutcome) {
  if (outcome.kind === 'delivered-to-provider') throw new Error(`expected a failure, got delivered-to-provider ${outcome.messageId}`);
  return outcome;
}

/** No secret, no code and no full destination in any failure a test saw. */
export function expectClean(outcomes: SendOutcome[], secrets: string[], message: ProviderMessage = otpMessage()) {
  for (const outcome of outcomes) {
    if (outcome.kind === 'delivered-to-provider') continue;
    const text = JSON.stringify(outcome.error);
    for (const secret of [...secrets, message.code]) expect(text).not.toContain(secret);
    expect(text).not.toContain(message.to.slice(1));
  }
}

/** The definition is self-consistent: one field per schema property, in ja and en; secrets flagged as such. */
export function expectWellFormedDefinition(definition: ProviderDefinition, secretFields: string[]) {
  const properties = Object.keys(definition.configSchema.properties);
  expect(definition.fields.map((f) => f.name).sort()).toEqual([...properties].sort());
  for (const f of definition.fields) {
    expect(f.label.en.length).toBeGreaterThan(0);
    expect(f.label.ja.length).toBeGreaterThan(0);
    if (f.description) expect(f.description.ja.length).toBeGreaterThan(0);
    expect(f.required).toBe((definition.configSchema.required ?? []).includes(f.name));
  }
  expect(definition.fields.filter((f) => f.secret).map((f) => f.name).sort()).toEqual([...secretFields].sort());
  expect(definition.baseUrlSetting).toBe(`GUARDLINE_${definition.id.toUpperCase()}_BASE_URL`);
  expect(definition.channels).toEqual(['sms']);
  expect(definition.receipts).toBe(false);
  expect(definition.displayName.ja.length).toBeGreaterThan(0);
}

export interface RecordedMessage {
  messageId: string;
  to: string;
  text: string;
}

export interface ContractCase<Fake extends VendorFake & { messages: RecordedMessage[] }> {
  definition: ProviderDefinition;
  secretFields: string[];
  config: Record<string, unknown>;
  /** The same configuration with credentials the vendor refuses. */
  wrongCredentials: Record<string, unknown>;
  /** Every secret value of both configurations. */
  secrets: string[];
  start(): Promise<Fake>;
  /** How the vendor spells the destination it recorded (`+447700900123` or `447700900123`). */
  recordedTo(e164: string): string;
  /** The outcome class of the fake's "2xx with a failed status" answer. */
  failedStatusKind: 'transient' | 'permanent' | 'misconfigured';
}

/**
 * What every integrated provider must do against its strict fake: the shared half of each vendor's test file
 * (the vendor's own error table is tested next to it, in the vendor's file).
 */
export function providerContract<Fake extends VendorFake & { messages: RecordedMessage[] }>(c: ContractCase<Fake>) {
  let fake: Fake;
  const seen: SendOutcome[] = [];
  const send = async (config: Record<string, unknown>, message = otpMessage(), options = noBudget()) => {
    const outcome = await instance(c.definition, config, fake.url).send(message, options);
    seen.push(outcome);
    return outcome;
  };

  beforeEach(async () => {
    fake = await c.start();
  });
  afterEach(async () => {
    await fake.close();
  });
  afterAll(() => {
    expect(seen.length).toBeGreaterThan(5);
    expectClean(seen, c.secrets);
  });

  it('describes itself: one field per config property in ja and en, secrets flagged, its base URL setting', () => {
    expectWellFormedDefinition(c.definition, c.secretFields);
    expect(Value.Check(c.definition.configSchema, c.config)).toBe(true);
    for (const secret of c.secretFields) {
      const { [secret]: _dropped, ...without } = c.config;
      expect(Value.Check(c.definition.configSchema, without)).toBe(false);
    }
    expect(Value.Check(c.definition.configSchema, { ...c.config, unknownField: 'x' })).toBe(false);
  });

  it('sends the SMS and takes the message id from the vendor answer', async () => {
    const outcome = await send(c.config);
    expect(fake.messages).toHaveLength(1);
    expect(outcome).toEqual({ kind: 'delivered-to-provider', messageId: fake.messages[0]!.messageId, status: expect.any(String) });
    expect(fake.messages[0]!.to).toBe(c.recordedTo('+447700900123'));
    expect(fake.messages[0]!.text).toBe(otpMessage().text);
  });

  it('sends Japanese text intact', async () => {
    const outcome = await send(c.config, otpMessage({ text: JAPANESE_TEXT, locale: 'ja' }));
    expect(outcome.kind).toBe('delivered-to-provider');
    expect(fake.messages[0]!.text).toBe(JAPANESE_TEXT);
  });

  it('wrong credentials: misconfigured (do not fail over, alert the operator)', async () => {
    const outcome = failureOf(await send(c.wrongCredentials));
    expect(outcome.kind).toBe('misconfigured');
    expect(fake.messages).toHaveLength(0);
  });

  it('an unroutable number: permanent', async () => {
    const outcome = failureOf(await send(c.config, otpMessage({ to: '+99912345678' })));
    expect(outcome.kind).toBe('permanent');
    expect(fake.messages).toHaveLength(0);
    expect(JSON.stringify(outcome)).not.toContain('99912345678');
  });

  it('a 5xx answer: transient', async () => {
    fake.failNext('http500');
    const outcome = failureOf(await send(c.config));
    expect(outcome.kind).toBe('transient');
    expect(outcome.error.httpStatus).toBeGreaterThanOrEqual(500);
  });

  it('2xx with a failed message status is a failure, not a delivery', async () => {
    fake.failNext('failed-status');
    const outcome = failureOf(await send(c.config));
    expect(outcome.kind).toBe(c.failedStatusKind);
    expect(outcome.error.httpStatus).toBeLessThan(300);
  });

  it('a vendor that never answers: transient timeout once the send budget aborts', async () => {
    fake.failNext('hang');
    const budget = new AbortController();
    const pending = send(c.config, otpMessage(), { signal: budget.signal });
    await fake.receivedRequests(1);
    budget.abort();
    const outcome = failureOf(await pending);
    expect(outcome).toMatchObject({ kind: 'transient', error: { errorCode: 'timeout' } });
  });

  it('a dropped connection: transient unreachable', async () => {
    fake.failNext('close');
    expect(failureOf(await send(c.config))).toMatchObject({ kind: 'transient', error: { errorCode: 'unreachable' } });
  });

  it('nobody listening: transient unreachable', async () => {
    await fake.close();
    expect(failureOf(await send(c.config))).toMatchObject({ kind: 'transient', error: { errorCode: 'unreachable' } });
    fake = await c.start();
  });

  it('a slow answer within the budget still delivers', async () => {
    fake.failNext({ kind: 'slow', ms: 50 });
    expect((await send(c.config)).kind).toBe('delivered-to-provider');
  });

  it('refuses a voice message without calling the vendor', async () => {
    const outcome = failureOf(await send(c.config, otpMessage({ channel: 'voice' })));
    expect(outcome).toMatchObject({ kind: 'misconfigured', error: { errorCode: 'voice_not_supported' } });
    expect(fake.requests).toHaveLength(0);
  });
}
